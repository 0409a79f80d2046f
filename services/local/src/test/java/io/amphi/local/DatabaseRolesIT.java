package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each service's database role may touch its own schema and, as far as it must, the event store,
 * and nothing else (DATABASE.md): asked by the database itself, with the whole platform running
 * on the layout a deployment has.
 */
class DatabaseRolesIT {

    /** PostgreSQL's insufficient_privilege. */
    private static final String REFUSED = "42501";

    @TempDir
    static Path data;

    private static LocalPlatform platform;
    private static String eventStoreServer;
    private static String authServer;

    @BeforeAll
    static void start() {
        platform = LocalPlatform.start(data, new LocalPlatform.Ports(0, 0, 0, 0, 0), "roles-it-" + UUID.randomUUID());
        eventStoreServer =
                platform.eventStore().substring(0, platform.eventStore().indexOf('?'));
        authServer =
                platform.authDatabase().substring(0, platform.authDatabase().indexOf('?'));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    @Test
    void everyServiceConnectsAsItsOwnRoleAndNoneIsASuperuser() throws SQLException {
        assertThat(clients(eventStoreServer)).containsOnly("amphi_delivery", "amphi_scoring");
        assertThat(clients(authServer)).containsOnly("amphi_auth");
        try (Connection owner = DriverManager.getConnection(eventStoreServer, "postgres", "");
                Statement statement = owner.createStatement();
                ResultSet roles = statement.executeQuery("""
                     SELECT count(*) FROM pg_roles WHERE rolname LIKE 'amphi\\_%' AND (rolsuper OR rolcreaterole OR rolcreatedb)""")) {
            roles.next();
            assertThat(roles.getInt(1))
                    .as("amphi roles that could grant themselves more")
                    .isZero();
        }
    }

    @ParameterizedTest(name = "{0} may not: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "amphi_scoring  | SELECT count(*) FROM delivery.exam_content",
                "amphi_scoring  | SELECT count(*) FROM delivery.token_entry",
                "amphi_scoring  | SELECT count(*) FROM delivery.live_session",
                "amphi_delivery | SELECT count(*) FROM scoring.scoring_result",
                "amphi_delivery | SELECT count(*) FROM scoring.audit_result_v1",
                "amphi_auditor  | SELECT count(*) FROM scoring.scoring_result",
                "amphi_auditor  | SELECT count(*) FROM delivery.exam_content",
                "amphi_delivery | UPDATE event_store.domain_event_entry SET payload = payload",
                "amphi_delivery | DELETE FROM event_store.domain_event_entry",
                "amphi_scoring  | UPDATE event_store.domain_event_entry SET chain_hash = NULL",
                "amphi_scoring  | DELETE FROM event_store.domain_event_entry",
                "amphi_scoring  | TRUNCATE event_store.domain_event_entry",
                "amphi_auditor  | DELETE FROM event_store.domain_event_entry",
                "amphi_delivery | CREATE TABLE event_store.shadow (id int)",
                "amphi_delivery | CREATE TABLE scoring.shadow (id int)",
                "amphi_scoring  | CREATE TABLE public.shadow (id int)",
                "amphi_scoring  | ALTER TABLE event_store.domain_event_entry DROP COLUMN chain_hash"
            })
    void aRoleIsRefusedOutsideItsOwnSchema(String role, String sql) {
        assertRefused(eventStoreServer, role, sql);
    }

    @ParameterizedTest(name = "{0} may not read the auth service's {1}")
    @CsvSource({
        "amphi_delivery, auth_candidate",
        "amphi_scoring, auth_service_account",
        "amphi_auditor, auth_refresh_token"
    })
    void noOtherServiceReadsAuthsTables(String role, String table) {
        assertRefused(authServer, role, "SELECT count(*) FROM auth." + table);
    }

    @Test
    void theAuditorReadsTheEventStoreAndScoringsReadInterface() throws SQLException {
        try (Connection auditor = DriverManager.getConnection(eventStoreServer, "amphi_auditor", "");
                Statement statement = auditor.createStatement()) {
            try (ResultSet events = statement.executeQuery("SELECT count(*) FROM event_store.domain_event_entry")) {
                events.next();
                assertThat(events.getLong(1))
                        .as("the demo exam's content announcement at least")
                        .isPositive();
            }
            statement
                    .executeQuery("SELECT count(*) FROM scoring.audit_result_v1")
                    .close();
        }
    }

    private static void assertRefused(String server, String role, String sql) {
        assertThatThrownBy(() -> {
                    try (Connection connection = DriverManager.getConnection(server, role, "");
                            Statement statement = connection.createStatement()) {
                        statement.execute(sql);
                    }
                })
                .isInstanceOfSatisfying(
                        SQLException.class,
                        e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(REFUSED));
    }

    /** Who the server's clients, other than this test, are connected as. */
    private static List<String> clients(String server) throws SQLException {
        List<String> users = new ArrayList<>();
        try (Connection owner = DriverManager.getConnection(server, "postgres", "");
                Statement statement = owner.createStatement();
                ResultSet rows = statement.executeQuery("""
                     SELECT DISTINCT usename FROM pg_stat_activity
                     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()""")) {
            while (rows.next()) {
                users.add(rows.getString(1));
            }
        }
        return users;
    }
}
