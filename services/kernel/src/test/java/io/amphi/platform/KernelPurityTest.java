package io.amphi.platform;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The kernel is what an auditor's own tools and every service share: it stays free of any
 * framework, store, transport or cluster, so depending on it never drags one in.
 */
@AnalyzeClasses(
        packages = {"io.amphi.platform.audit", "io.amphi.platform.domain"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class KernelPurityTest {

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
                    "org.axonframework..",
                    "org.flywaydb..",
                    "io.amphi.platform.grpc..",
                    "io.amphi.platform.db..",
                    "io.amphi.platform.axon..",
                    "io.amphi.platform.cluster..");
}
