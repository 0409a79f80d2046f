package io.amphi.audit;

import io.amphi.platform.audit.ChainConsumer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.platform.audit.EventStoreReader;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.store.ResultStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The live event store, read in one read-only, repeatable-read transaction: the tool can change
 * nothing, and counts, events and results all come from one snapshot of a live exam.
 */
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
    public List<StoredEvent> examEvents() throws SQLException {
        return reader.aggregate(examId);
    }

    /** The scoring service's result tables, read in the same read-only snapshot as the events. */
    @Override
    public List<ResultLine> results() throws SQLException {
        try (Statement check = connection.createStatement();
             ResultSet exists = check.executeQuery("SELECT to_regclass('scoring_result') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return List.of();
            }
        }
        JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
        jdbc.setFetchSize(10_000);
        return new ResultStore(jdbc, new ObjectMapper()).resultLines(examId);
    }

    @Override
    public void close() throws SQLException {
        connection.rollback();
        connection.close();
    }
}
