package io.amphi.platform.grpc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the database a trivial question every second, on a connection of its own (a busy pool must
 * not make a healthy database look down), and keeps the replica's {@link Readiness} in step: not
 * ready while the database does not answer within a second, ready again as soon as it does.
 */
public class DatabaseProbe extends ReadinessTask {

    static final String CONDITION = "database";
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final int TIMEOUT_SECONDS = 1;
    private static final Logger log = LoggerFactory.getLogger(DatabaseProbe.class);

    private final DataSource probeConnections;
    private final Readiness readiness;
    private volatile boolean reachable = true;

    public DatabaseProbe(DataSource dataSource, Readiness readiness) {
        super("database-probe");
        this.probeConnections = probeConnections(dataSource);
        this.readiness = readiness;
        readiness.notMet(CONDITION, "the database has not been asked yet");
    }

    /** One connection beside the pool, with short time-outs; the pool itself if it is not Hikari. */
    private static DataSource probeConnections(DataSource dataSource) {
        if (!(dataSource instanceof HikariDataSource pool)) {
            return dataSource;
        }
        HikariDataSource probe = new HikariDataSource();
        probe.setJdbcUrl(pool.getJdbcUrl());
        probe.setUsername(pool.getUsername());
        probe.setPassword(pool.getPassword());
        probe.setDataSourceProperties(pool.getDataSourceProperties());
        probe.setPoolName("database-probe");
        probe.setMaximumPoolSize(1);
        probe.setMinimumIdle(0);
        probe.setConnectionTimeout(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        probe.setValidationTimeout(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        probe.setInitializationFailTimeout(-1);
        return probe;
    }

    /** Whether the database answered the last question. */
    public boolean reachable() {
        return reachable;
    }

    /** Asks now; the answer also goes to the readiness. */
    public boolean probe() {
        boolean answered;
        try (Connection connection = probeConnections.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            try (ResultSet row = statement.executeQuery("SELECT 1")) {
                answered = row.next();
            }
        } catch (Exception e) {
            answered = false;
            if (reachable) {
                log.warn(
                        "The database does not answer ({}); this replica reports NOT_SERVING until it does",
                        e.toString());
            }
        }
        if (answered && !reachable) {
            log.info("The database answers again; this replica is serving");
        }
        reachable = answered;
        if (answered) {
            readiness.met(CONDITION);
        } else {
            readiness.notMet(CONDITION, "the database does not answer");
        }
        return answered;
    }

    @Override
    void begin(ScheduledExecutorService executor) {
        probe();
        executor.scheduleWithFixedDelay(this::probe, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        super.stop();
        if (probeConnections instanceof HikariDataSource own && "database-probe".equals(own.getPoolName())) {
            own.close();
        }
    }
}
