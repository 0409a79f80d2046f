package io.amphi.auth;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Access codes and secrets are rules, not plumbing; the stores never reach for the transport. */
@AnalyzeClasses(packages = "io.amphi.auth", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule domainStaysPure = noClasses()
            .that()
            .resideInAPackage("io.amphi.auth.domain..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "java.sql..",
                    "javax.sql..",
                    "org.springframework..",
                    "io.grpc..",
                    "io.amphi.proto..",
                    "com.hazelcast..",
                    "com.nimbusds..",
                    "io.amphi.platform.grpc..",
                    "io.amphi.auth.store..",
                    "io.amphi.auth.grpc..",
                    "io.amphi.auth.keys..",
                    "io.amphi.auth.http..");

    @ArchTest
    static final ArchRule storesKnowNoTransport = noClasses()
            .that()
            .resideInAnyPackage("io.amphi.auth.store..", "io.amphi.auth.keys..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.grpc..", "io.amphi.proto..", "io.amphi.auth.grpc..", "io.amphi.auth.http..");

    @ArchTest
    static final ArchRule signInRulesKnowNoTransport = noClasses()
            .that()
            .resideInAPackage("io.amphi.auth.signin..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.grpc..",
                    "io.amphi.proto..",
                    "io.amphi.platform.grpc..",
                    "io.amphi.auth.grpc..",
                    "io.amphi.auth.http..");
}
