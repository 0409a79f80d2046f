package io.amphi.scoring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Scoring rules and their messages know no transport, storage, cluster or wire types. */
@AnalyzeClasses(packages = "io.amphi.scoring", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule domainAndApiStayPure = noClasses()
            .that()
            .resideInAnyPackage("io.amphi.scoring.domain..", "io.amphi.scoring.api..")
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
                    "com.fasterxml.jackson..",
                    "io.amphi.scoring.grpc..",
                    "io.amphi.scoring.store..",
                    "io.amphi.scoring.results..",
                    "io.amphi.scoring.json..");

    @ArchTest
    static final ArchRule messagesDependOnNothingButTheJdkAndAxonAnnotations = noClasses()
            .that()
            .resideInAPackage("io.amphi.scoring.api..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.amphi.scoring.domain..", "org.springframework..");
}
