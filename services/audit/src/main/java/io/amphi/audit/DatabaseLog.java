package io.amphi.audit;

import io.amphi.delivery.api.Events.ExamContentPublished;
import io.amphi.delivery.api.SessionIds;
import io.amphi.platform.audit.ChainConsumer;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.platform.audit.PublicationSeal.QuestionPoints;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.db.EventStoreReader;
import io.amphi.scoring.api.ScoringCommands;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The live event store, read in one read-only, repeatable-read transaction: the tool can change
 * nothing, and counts, events and results all come from one snapshot of a live exam.
 */
final class DatabaseLog implements ExamLog {

    static final String RESULTS_VIEW = "scoring.audit_result_v1";

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
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
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
        return reader.countEventsStartingWith(SessionIds.prefixOf(examId))
                + reader.countEventsStartingWith(ExamContentPublished.releasePrefixOf(examId))
                + reader.aggregate(examId).size()
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
        reader.chainsStartingWith(ExamContentPublished.releasePrefixOf(examId), consumer);
        reader.chainsStartingWith(SessionIds.prefixOf(examId), consumer);
    }

    @Override
    public List<StoredEvent> examEvents() throws SQLException {
        return reader.aggregate(examId);
    }

    /**
     * The scoring service's results through its audit read interface (the view
     * {@value #RESULTS_VIEW}, AUDIT-FORMAT.md §13), read in the same read-only snapshot as the
     * events. None when scoring never ran on this database.
     */
    @Override
    public List<ResultLine> results() throws SQLException {
        try (Statement check = connection.createStatement();
                ResultSet exists = check.executeQuery(
                        "SELECT EXISTS (SELECT 1 FROM pg_views WHERE schemaname = 'scoring' AND viewname = 'audit_result_v1')")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return List.of();
            }
        }
        List<ResultLine> lines = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT session_id, key_version, rule_set, last_sequence, last_event_hash, total, question_id, question_points
                FROM %s WHERE exam_id = ? ORDER BY session_id COLLATE "C", question_position""".formatted(RESULTS_VIEW))) {
            query.setFetchSize(10_000);
            query.setString(1, examId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String sessionId = rows.getString(1);
                    if (lines.isEmpty() || !lines.getLast().sessionId().equals(sessionId)) {
                        lines.add(new ResultLine(
                                sessionId,
                                rows.getInt(2),
                                rows.getString(3),
                                rows.getLong(4),
                                rows.getBytes(5),
                                PublicationSeal.points(rows.getBigDecimal(6)),
                                new ArrayList<>()));
                    }
                    if (rows.getString(7) != null) {
                        lines.getLast()
                                .questions()
                                .add(new QuestionPoints(
                                        rows.getString(7), PublicationSeal.points(rows.getBigDecimal(8))));
                    }
                }
            }
        }
        return lines;
    }

    @Override
    public void close() throws SQLException {
        connection.rollback();
        connection.close();
    }
}
