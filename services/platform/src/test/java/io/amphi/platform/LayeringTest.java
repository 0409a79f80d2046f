package io.amphi.platform;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The platform is what every service stands on: it knows none of them, and its storage knows no transport. */
@AnalyzeClasses(packages = "io.amphi.platform", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule knowsNoService = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.amphi.delivery..",
                    "io.amphi.scoring..",
                    "io.amphi.auth..",
                    "io.amphi.gateway..",
                    "io.amphi.audit..");

    @ArchTest
    static final ArchRule storageKnowsNoTransport = noClasses()
            .that()
            .resideInAnyPackage("io.amphi.platform.db..", "io.amphi.platform.axon..", "io.amphi.platform.cluster..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.grpc..", "io.amphi.proto..", "io.amphi.platform.grpc..");
}
