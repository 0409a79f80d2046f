package io.amphi.platform.db;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.platform.AmphiService;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A service's migrations as a step of their own, e.g. a Kubernetes Job before an upgrade:
 * {@code <service> migrate} migrates the service's schema as its role and exits;
 * {@code <service> migrate-event-store} migrates the shared event store, connected as its owner
 * ({@value DatabaseLayout#EVENT_STORE_OWNER}); {@code <service> upgrade-layout}, connected as the
 * database's owner, creates the roles and schemas and moves a database from the layout before
 * schemas into them ({@link LegacyLayoutUpgrade}). Only the database is touched: no gRPC server,
 * cluster member or event processor starts. A service started normally still migrates its own
 * schema first, so a local run needs no separate step.
 */
public final class MigrationCommand {

    static final String MIGRATE = "migrate";
    static final String MIGRATE_EVENT_STORE = "migrate-event-store";
    static final String UPGRADE_LAYOUT = "upgrade-layout";

    private MigrationCommand() {}

    /** Whether the command line asks for a migration rather than the service. */
    public static boolean requested(String... args) {
        return args.length > 0
                && List.of(MIGRATE, MIGRATE_EVENT_STORE, UPGRADE_LAYOUT).contains(args[0]);
    }

    /** Runs the migration the command line asks for, with the service's own configuration. */
    public static void run(Class<?> application, String... args) {
        AmphiService service = application.getAnnotation(AmphiService.class);
        if (service == null) {
            throw new IllegalArgumentException(application.getName() + " is not an Amphi service (no @AmphiService)");
        }
        boolean serviceSchema = MIGRATE.equals(args[0]);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DatabaseOnly.class)
                .properties(
                        "spring.config.name=" + service.value(),
                        "spring.main.web-application-type=none",
                        "spring.flyway.enabled=" + serviceSchema)
                .run(Arrays.copyOfRange(args, 1, args.length))) {
            DataSource dataSource = context.getBean(DataSource.class);
            if (MIGRATE_EVENT_STORE.equals(args[0])) {
                DatabaseLayout.migrateEventStore(dataSource, null);
            } else if (UPGRADE_LAYOUT.equals(args[0])) {
                DataSource owner = unpooled(dataSource);
                DatabaseLayout.prepare(owner);
                List<String> moved = LegacyLayoutUpgrade.upgradeIfLegacy(owner);
                System.out.println(
                        moved.isEmpty()
                                ? "Nothing to upgrade: the roles and schemas are in place."
                                : "Moved the tables of " + moved
                                        + " into their schemas; now run each service's migrate.");
            }
            context.getBeanProvider(Flyway.class)
                    .ifAvailable(flyway -> System.out.println(service.value()
                            + ": schema "
                            + String.join(",", flyway.getConfiguration().getSchemas()) + " migrated, "
                            + flyway.info().applied().length + " migrations applied in all"));
        }
    }

    /**
     * A new connection each time: the upgrade acts as each schema's owner in turn ({@code SET ROLE}),
     * which a pooled connection would keep for the next step.
     */
    private static DataSource unpooled(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource pool) {
            return new DriverManagerDataSource(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
        }
        return dataSource;
    }

    /** The database, its connections and the service's migrations, nothing else. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({
        EmbeddedPostgresAutoConfiguration.class,
        DataSourceAutoConfiguration.class,
        DatabaseLayoutAutoConfiguration.class,
        FlywayAutoConfiguration.class
    })
    static class DatabaseOnly {}
}
