package io.amphi.audit;

import io.amphi.platform.audit.ChainConsumer;
import io.amphi.platform.audit.EventStoreReader;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.scoring.api.ScoringCommands;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The live event store, read in a read-only transaction: the tool can change nothing. */
final class DatabaseLog implements ExamLog {

    private final String examId;
    private final String url;
    private final Connection connection;
    private final EventStoreReader reader;

    DatabaseLog(String url, String user, String password, String examId) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password == null ? "" : password);
        properties.setProperty("readOnly", "true");
        properties.setProperty("ApplicationName", "amphi-audit");
        this.connection = DriverManager.getConnection(url, properties);
        this.reader = new EventStoreReader(connection);
        this.examId = examId;
        this.url = url;
    }

    @Override
    public String examId() {
        return examId;
    }

    @Override
    public String origin() {
        return url.replaceAll("password=[^&]*", "password=***") + " (read-only)";
    }

    @Override
    public long eventCount() throws SQLException {
        return reader.countSessionEvents(examId) + reader.aggregate(examId).size()
                + reader.aggregate(ScoringCommands.scoringId(examId)).size();
    }

    @Override
    public void forEachChain(ChainConsumer<Exception> consumer) throws Exception {
        for (String examAggregate : List.of(examId, ScoringCommands.scoringId(examId))) {
            List<StoredEvent> events = reader.aggregate(examAggregate);
            if (!events.isEmpty()) {
                consumer.accept(events);
            }
        }
        reader.sessions(examId, consumer);
    }

    @Override
    public Map<String, PlatformResult> platformResults() throws SQLException {
        Map<String, PlatformResult> results = new LinkedHashMap<>();
        try (Statement check = connection.createStatement();
             ResultSet exists = check.executeQuery("SELECT to_regclass('scoring_result') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return results;
            }
        }
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT r.session_id, r.key_version, r.rule_set, r.total, q.question_id, q.points
                FROM scoring_result r JOIN scoring_question_score q ON q.session_id = r.session_id
                WHERE r.exam_id = ? ORDER BY r.session_id, q.position""")) {
            query.setFetchSize(10_000);
            query.setString(1, examId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String session = rows.getString(1);
                    PlatformResult result = results.computeIfAbsent(session, id -> {
                        try {
                            return new PlatformResult(id, rows.getInt(2), rows.getString(3), rows.getBigDecimal(4),
                                    new LinkedHashMap<>());
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    result.pointsByQuestion().put(rows.getString(5), rows.getBigDecimal(6));
                }
            }
        }
        return results;
    }

    @Override
    public void close() throws SQLException {
        connection.rollback();
        connection.close();
    }
}
