package io.amphi.platform.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a database made before the schema-per-service layout (every table in {@code public}, one
 * Flyway history for the platform's, delivery's and scoring's migrations, or auth's alone) into
 * the layout of {@link DatabaseLayout}, losing nothing: tables are moved, not copied, so every
 * event, its chain hash and every seal stay byte for byte what they were. Each schema's history
 * is then baselined at the version its moved tables are at, and its later migrations run as
 * usual. Run by the database's owner, with every service stopped (DATABASE.md, "Upgrading from
 * the layout before schemas").
 *
 * <p>What the layout before held is fixed forever, so it is listed here, table by table.
 */
public final class LegacyLayoutUpgrade {

    private static final Logger log = LoggerFactory.getLogger(LegacyLayoutUpgrade.class);

    /** Where the layout before kept its single migration history. */
    static final String LEGACY_HISTORY = "public.flyway_schema_history";

    /** Where it is kept afterwards, for the record. */
    static final String KEPT_HISTORY = "flyway_schema_history_before_layout";

    /** One service's part of the layout before: its tables, and the versions that made them. */
    record LegacyPart(String schema, String owner, List<String> versions, String baseline, List<String> tables) {}

    static final List<LegacyPart> PARTS = List.of(
            new LegacyPart(
                    DatabaseLayout.EVENT_STORE_SCHEMA,
                    DatabaseLayout.EVENT_STORE_OWNER,
                    List.of("1.0", "1.1"),
                    "1.0",
                    List.of("domain_event_entry")),
            new LegacyPart(
                    "delivery",
                    "amphi_delivery",
                    List.of("2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6"),
                    "2.6",
                    List.of(
                            "exam_content",
                            "exam_schedule",
                            "exam_enrolment",
                            "session_deadline",
                            "exam_admission",
                            "delivery_receipt_key",
                            "live_session",
                            "live_session_answer",
                            "delivery_journal_secret",
                            "snapshot_event_entry",
                            "token_entry")),
            new LegacyPart(
                    "scoring",
                    "amphi_scoring",
                    List.of("4.0"),
                    "4.0",
                    List.of(
                            "scoring_session",
                            "scoring_answer",
                            "scoring_key",
                            "scoring_result",
                            "scoring_question_score",
                            "scoring_question_change",
                            "scoring_rank_change",
                            "scoring_publication")),
            new LegacyPart(
                    "auth",
                    "amphi_auth",
                    List.of("3.0", "3.1", "3.2", "3.3", "3.4"),
                    "3.4",
                    List.of(
                            "auth_candidate",
                            "auth_signing_key",
                            "auth_refresh_token",
                            "auth_service_account",
                            "auth_revocation",
                            "auth_secret")));

    /** The processors whose positions the layout before kept beside delivery's, by the schema that now owns them. */
    private static final Map<String, String> FOREIGN_TOKENS = Map.of("scoring-results", "scoring");

    private LegacyLayoutUpgrade() {}

    /** Whether this database still has the layout before schemas. */
    public static boolean isLegacy(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet found = statement.executeQuery("SELECT to_regclass('" + LEGACY_HISTORY + "') IS NOT NULL")) {
            found.next();
            return found.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the database's layout: " + e.getMessage(), e);
        }
    }

    /**
     * Upgrades the database if it has the layout before; does nothing otherwise.
     *
     * @param owner connections as the database's owner (or a superuser)
     * @return the schemas moved, empty when there was nothing to upgrade
     */
    public static List<String> upgradeIfLegacy(DataSource owner) {
        if (!isLegacy(owner)) {
            return List.of();
        }
        DatabaseLayout.prepare(owner);
        List<LegacyPart> present = new ArrayList<>();
        try (Connection connection = owner.getConnection()) {
            connection.setAutoCommit(false);
            Set<String> applied = appliedVersions(connection);
            for (LegacyPart part : PARTS) {
                if (!existsInPublic(connection, part.tables().getFirst())) {
                    continue;
                }
                if (!applied.containsAll(part.versions())) {
                    throw new IllegalStateException(
                            ("This database's %s tables are at migrations %s, not %s as the last"
                                            + " release before schemas left them: start that release on it once, then upgrade.")
                                    .formatted(part.schema(), applied, part.versions()));
                }
                present.add(part);
            }
            try (Statement statement = connection.createStatement()) {
                for (LegacyPart part : present) {
                    for (String table : part.tables()) {
                        if (existsInPublic(connection, table)) {
                            statement.execute("ALTER TABLE public.%s SET SCHEMA %s".formatted(table, part.schema()));
                            statement.execute(
                                    "ALTER TABLE %s.%s OWNER TO %s".formatted(part.schema(), table, part.owner()));
                        }
                    }
                }
                if (present.stream().anyMatch(p -> p.schema().equals("delivery"))) {
                    for (Map.Entry<String, String> foreign : FOREIGN_TOKENS.entrySet()) {
                        String schema = foreign.getValue();
                        statement.execute("CREATE TABLE %s.token_entry (LIKE delivery.token_entry INCLUDING ALL)"
                                .formatted(schema));
                        statement.execute("ALTER TABLE %s.token_entry OWNER TO amphi_%s".formatted(schema, schema));
                        statement.execute(("INSERT INTO %s.token_entry SELECT * FROM delivery.token_entry"
                                        + " WHERE processor_name IN ('%s', '__config')")
                                .formatted(schema, foreign.getKey()));
                        statement.execute("DELETE FROM delivery.token_entry WHERE processor_name = '%s'"
                                .formatted(foreign.getKey()));
                    }
                }
                statement.execute("ALTER TABLE " + LEGACY_HISTORY + " RENAME TO " + KEPT_HISTORY);
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "The upgrade to one schema per service failed and changed nothing: " + e.getMessage(), e);
        }
        for (LegacyPart part : present) {
            DatabaseLayout.strict(Flyway.configure().dataSource(owner).initSql("SET ROLE " + part.owner()))
                    .schemas(part.schema())
                    .baselineVersion(part.baseline())
                    .baselineDescription("tables moved from public (layout before schemas)")
                    .load()
                    .baseline();
            if (part.schema().equals(DatabaseLayout.EVENT_STORE_SCHEMA)) {
                DatabaseLayout.migrateEventStore(owner, DatabaseLayout.EVENT_STORE_OWNER);
            }
        }
        List<String> schemas = present.stream().map(LegacyPart::schema).toList();
        log.warn("Upgraded this database to one schema per service: moved the tables of {} out of public", schemas);
        return schemas;
    }

    private static Set<String> appliedVersions(Connection connection) throws SQLException {
        Set<String> versions = new TreeSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT version FROM " + LEGACY_HISTORY + " WHERE success AND version IS NOT NULL")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }

    private static boolean existsInPublic(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet found = statement.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            found.next();
            return found.getBoolean(1);
        }
    }
}
