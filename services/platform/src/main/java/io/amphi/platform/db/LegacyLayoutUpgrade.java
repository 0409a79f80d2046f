package io.amphi.platform.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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

    /** Scoring's part: a read model, rebuilt from the log after the upgrade. */
    private static final LegacyPart SCORING = new LegacyPart(
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
                    "scoring_publication"));

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
            SCORING,
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

    /** The processor whose position the layout before kept beside delivery's. */
    private static final String SCORING_PROCESSOR = "scoring-results";

    private LegacyLayoutUpgrade() {}

    /** Whether this database still has the layout before schemas. */
    public static boolean isLegacy(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return exists(connection, "public", "flyway_schema_history");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the database's layout: " + e.getMessage(), e);
        }
    }

    /**
     * Upgrades the database if it has the layout before; does nothing otherwise. Run again after
     * a failure, it carries on where it stopped: the old history is renamed only once everything
     * else is done.
     *
     * @param owner connections as a superuser (or a role that is a member of every amphi role),
     *     each new ({@code SET ROLE} stays on a connection): not a pool
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
            Set<String> unknown = new TreeSet<>(applied);
            PARTS.forEach(part -> unknown.removeAll(part.versions()));
            if (!unknown.isEmpty()) {
                throw new IllegalStateException(("This database has migrations %s that no release before schemas made:"
                                + " it is not a database this upgrade knows; nothing was changed.")
                        .formatted(unknown));
            }
            for (LegacyPart part : PARTS) {
                String first = part.tables().getFirst();
                if (!exists(connection, "public", first)
                        && !(exists(connection, part.schema(), first)
                                && !exists(connection, part.schema(), "flyway_schema_history"))) {
                    continue;
                }
                if (!applied.containsAll(part.versions())) {
                    throw new IllegalStateException(("This database's %s tables are at migrations %s, not %s as the"
                                    + " last release before schemas left them: start that release on it once, then upgrade.")
                            .formatted(part.schema(), applied, part.versions()));
                }
                present.add(part);
            }
            if (present.isEmpty()) {
                throw new IllegalStateException(LEGACY_HISTORY + " names none of Amphi's tables: this is not a database"
                        + " of the release before schemas; nothing was changed.");
            }
            try (Statement statement = connection.createStatement()) {
                for (LegacyPart part : present) {
                    for (String table : part.tables()) {
                        if (exists(connection, "public", table)) {
                            statement.execute("ALTER TABLE public.%s SET SCHEMA %s".formatted(table, part.schema()));
                            statement.execute(
                                    "ALTER TABLE %s.%s OWNER TO %s".formatted(part.schema(), table, part.owner()));
                        }
                    }
                }
                dropEmptyAxonTablesLeft(connection, statement);
                if (present.stream().anyMatch(part -> part.schema().equals(SCORING.schema()))) {
                    forgetScoringsReadModel(statement);
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "The upgrade to one schema per service stopped before moving any table: " + e.getMessage()
                            + ". Run it again once the cause is fixed.",
                    e);
        }
        for (LegacyPart part : present) {
            Flyway flyway = DatabaseLayout.strict(
                            Flyway.configure().dataSource(owner).initSql("SET ROLE " + part.owner()))
                    .schemas(part.schema())
                    .baselineVersion(part.baseline())
                    .baselineDescription("tables moved from public (layout before schemas)")
                    .load();
            if (flyway.info().current() == null) {
                flyway.baseline();
            }
            if (part.schema().equals(DatabaseLayout.EVENT_STORE_SCHEMA)) {
                DatabaseLayout.migrateEventStore(owner, DatabaseLayout.EVENT_STORE_OWNER);
            }
        }
        try (Connection connection = owner.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + LEGACY_HISTORY + " RENAME TO " + KEPT_HISTORY);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "The tables were moved, but the old history could not be put aside: " + e.getMessage()
                            + ". Run the upgrade again.",
                    e);
        }
        List<String> schemas = present.stream().map(LegacyPart::schema).toList();
        log.warn("Upgraded this database to one schema per service: moved the tables of {} out of public", schemas);
        return schemas;
    }

    /**
     * A service's database that never held delivery's part (auth's, in a deployment) still got
     * Axon's snapshot and token tables from the platform's first migration; they were never used.
     * Anything in them means this is not such a database.
     */
    private static void dropEmptyAxonTablesLeft(Connection connection, Statement statement) throws SQLException {
        for (String table : List.of("snapshot_event_entry", "token_entry")) {
            if (!exists(connection, "public", table)) {
                continue;
            }
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM public." + table)) {
                rows.next();
                if (rows.getLong(1) > 0) {
                    throw new IllegalStateException("public." + table + " holds rows, yet this database has no"
                            + " delivery tables to go with them: nothing was changed; look at it before upgrading.");
                }
            }
            statement.execute("DROP TABLE public." + table);
        }
    }

    /**
     * Scoring now tracks events it did not before (seals, content versions): its read model is
     * emptied and its position forgotten, so it replays the whole log on its next start and comes
     * out identical (ScoringIT proves a rebuild gives the same results), knowing every exam sealed
     * before the upgrade. Its position lived beside delivery's.
     */
    private static void forgetScoringsReadModel(Statement statement) throws SQLException {
        for (String table : SCORING.tables()) {
            statement.execute("DELETE FROM %s.%s".formatted(SCORING.schema(), table));
        }
        statement.execute("DELETE FROM delivery.token_entry WHERE processor_name = '" + SCORING_PROCESSOR + "'");
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

    private static boolean exists(Connection connection, String schema, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet found =
                        statement.executeQuery("SELECT to_regclass('%s.%s') IS NOT NULL".formatted(schema, table))) {
            found.next();
            return found.getBoolean(1);
        }
    }
}
