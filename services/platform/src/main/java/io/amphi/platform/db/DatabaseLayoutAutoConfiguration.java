package io.amphi.platform.db;

import org.flywaydb.core.Flyway;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;

/** How a service migrates its schema at start (or in its {@code migrate} step). */
@AutoConfiguration(beforeName = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
@ConditionalOnClass(Flyway.class)
public class DatabaseLayoutAutoConfiguration {

    /**
     * Never migrates a new, empty schema beside the tables of the layout before schemas: the
     * service would start on none of its data. The database must be upgraded first.
     */
    @Bean
    FlywayMigrationStrategy migrationAfterLayoutCheck() {
        return flyway -> {
            if (LegacyLayoutUpgrade.isLegacy(flyway.getConfiguration().getDataSource())) {
                throw new IllegalStateException("This database still has the layout before schemas (its tables in"
                        + " public): run '<service> upgrade-layout' as the database's owner first (DATABASE.md).");
            }
            flyway.migrate();
        };
    }
}
