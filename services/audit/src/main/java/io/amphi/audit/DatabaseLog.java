package io.amphi.audit;

import io.amphi.platform.audit.EventStoreReader;
import io.amphi.platform.audit.StoredEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
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
        return reader.countSessionEvents(examId) + reader.aggregate(examId).size();
    }

    @Override
    public void forEachChain(ChainConsumer consumer) throws Exception {
        Exception[] failure = new Exception[1];
        reader.sessions(examId, chain -> {
            if (failure[0] == null) {
                try {
                    consumer.accept(chain);
                } catch (Exception e) {
                    failure[0] = e;
                }
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        List<StoredEvent> examEvents = reader.aggregate(examId);
        if (!examEvents.isEmpty()) {
            consumer.accept(examEvents);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.rollback();
        connection.close();
    }
}
