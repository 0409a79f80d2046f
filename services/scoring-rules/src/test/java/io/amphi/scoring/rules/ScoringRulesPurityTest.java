package io.amphi.scoring.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules every score is computed with, by the service and by the audit tool alike: no
 * framework, store, transport or cluster, and nothing of the scoring service itself.
 */
@AnalyzeClasses(
        packages = {"io.amphi.scoring.rules", "io.amphi.scoring.api", "io.amphi.scoring.json"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class ScoringRulesPurityTest {

    @ArchTest
    static final ArchRule pure = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework..",
                    "java.sql..",
                    "javax.sql..",
                    "io.grpc..",
                    "io.amphi.proto..",
                    "com.hazelcast..",
                    "org.flywaydb..",
                    "io.amphi.platform.grpc..",
                    "io.amphi.platform.db..",
                    "io.amphi.platform.axon..",
                    "io.amphi.platform.cluster..",
                    "io.amphi.scoring.domain..",
                    "io.amphi.scoring.store..",
                    "io.amphi.scoring.results..",
                    "io.amphi.scoring.grpc..");

    @ArchTest
    static final ArchRule rulesNeedNoAxon = noClasses()
            .that()
            .resideInAPackage("io.amphi.scoring.rules..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.axonframework..", "com.fasterxml.jackson..");
}
