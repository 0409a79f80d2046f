package io.amphi.delivery;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The domain and its messages know no transport, storage, cluster or wire types. */
@AnalyzeClasses(packages = "io.amphi.delivery", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule domainAndApiStayPure = noClasses()
            .that()
            .resideInAnyPackage("io.amphi.delivery.domain..", "io.amphi.delivery.api..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "java.sql..",
                    "javax.sql..",
                    "io.grpc..",
                    "io.amphi.proto..",
                    "io.amphi.platform.grpc..",
                    "com.hazelcast..",
                    "io.fabric8..",
                    "org.springframework.web..",
                    "org.springframework.jdbc..",
                    "jakarta.servlet..",
                    "com.fasterxml.jackson..",
                    "io.amphi.delivery.grpc..",
                    "io.amphi.delivery.catalog..",
                    "io.amphi.delivery.content..",
                    "io.amphi.delivery.deadline..",
                    "io.amphi.delivery.admission..",
                    "io.amphi.platform.cluster..");

    @ArchTest
    static final ArchRule messagesDependOnNothingButTheJdkAndAxonAnnotations = noClasses()
            .that()
            .resideInAPackage("io.amphi.delivery.api..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.amphi.delivery.domain..", "org.springframework..");
}
