package io.amphi.platform.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Amphi's database layout (DATABASE.md): the event store every service shares in schema
 * {@value #EVENT_STORE_SCHEMA}, and each service's own tables in a schema of its own, each
 * owned by the role of the same name and migrated with its own strict Flyway history.
 */
public final class DatabaseLayout {

    public static final String EVENT_STORE_SCHEMA = "event_store";

    /** The events table, named with its schema: no service finds it through its search path. */
    public static final String EVENT_TABLE = EVENT_STORE_SCHEMA + ".domain_event_entry";

    /** The role that owns the event store and runs its migrations. */
    public static final String EVENT_STORE_OWNER = "amphi_event_store";

    private static final String LAYOUT_SCRIPT = "db/layout/amphi-database.sql";

    private DatabaseLayout() {}

    /**
     * Creates the roles and schemas, as the database's owner; a no-op where they exist. A
     * deployment runs the same script ({@code db/layout/amphi-database.sql}) with its own tools.
     */
    public static void prepare(DataSource owner) {
        try (Connection connection = owner.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(layoutScript());
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create Amphi's roles and schemas: " + e.getMessage(), e);
        }
    }

    /** The layout script, as a database owner runs it. */
    public static String layoutScript() {
        try (InputStream script = DatabaseLayout.class.getClassLoader().getResourceAsStream(LAYOUT_SCRIPT)) {
            if (script == null) {
                throw new IllegalStateException(LAYOUT_SCRIPT + " is missing from the classpath");
            }
            return new String(script.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Migrates the event store's schema. {@code actAs} is the role to create its objects as when
     * the connection is an administrator's (local runs); null when it is the owner's own.
     */
    public static MigrateResult migrateEventStore(DataSource dataSource, String actAs) {
        FluentConfiguration configuration = Flyway.configure().dataSource(dataSource);
        if (actAs != null) {
            configuration.initSql("SET ROLE " + actAs);
        }
        return strict(configuration)
                .schemas(EVENT_STORE_SCHEMA)
                .locations("classpath:db/event-store")
                .load()
                .migrate();
    }

    /**
     * The rules every Amphi migration history runs under: no migration applied out of order,
     * none missing, none changed after it ran, no schema created on the fly (the layout script
     * makes them, with their owners).
     */
    public static FluentConfiguration strict(FluentConfiguration configuration) {
        return configuration
                .outOfOrder(false)
                .createSchemas(false)
                .validateMigrationNaming(true)
                .validateOnMigrate(true)
                .cleanDisabled(true);
    }
}
