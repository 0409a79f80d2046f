package io.amphi.delivery.catalog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.PublishedEvents;
import io.amphi.delivery.content.ExamFileReader;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamContent;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.platform.axon.GroupCommit;
import io.amphi.platform.cluster.Admission;
import io.amphi.platform.cluster.ClusterConfigs;
import io.amphi.platform.domain.DomainException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * The exam catalog in PostgreSQL: published content (insert-only, so a version never changes),
 * schedules and enrolments.
 *
 * <p>Published content is immutable, so it is cached for good at two levels: each replica keeps
 * the versions it has parsed, and the cluster keeps the exam files in a near-cached Hazelcast map
 * ({@link ClusterConfigs#EXAM_CONTENT_MAP}). PostgreSQL is read once per version for the whole
 * platform, not once per replica: the replicas an operator adds at 09:00 take the exam from their
 * peers while the database serves the answers being saved.
 */
public class JdbcExamCatalog implements ExamCatalogStore {

    /** The first key of the advisory lock an exam is sealed under (the second is the exam id's hash). */
    public static final int SEALING_LOCK = 7415;

    /** Whether the exam's seal is stored: its aggregate holds an ExamSealed. */
    private static final String SEALED = "SELECT EXISTS (SELECT 1 FROM event_store.domain_event_entry"
            + " WHERE aggregate_identifier = ? AND payload_type = ?)";

    private record ContentKey(String examId, int version) {}

    private final JdbcTemplate jdbc;
    private final ExamFileReader reader;
    private final Clock clock;
    private final Map<ContentKey, ExamContent> contentCache = new ConcurrentHashMap<>();
    private final IMap<String, byte[]> sharedExamFiles;

    public JdbcExamCatalog(JdbcTemplate jdbc, ExamFileReader reader, Clock clock, HazelcastInstance hazelcast) {
        this.jdbc = jdbc;
        this.reader = reader;
        this.clock = clock;
        this.sharedExamFiles = hazelcast.getMap(ClusterConfigs.EXAM_CONTENT_MAP);
    }

    /**
     * Publishes a content version from its file. Publishing the same file again is a no-op;
     * publishing different content under a version already published is refused.
     *
     * @return the published content
     */
    @Transactional
    @Override
    public ExamContent publish(byte[] examFile, String source) {
        ExamContent content = reader.read(examFile, source);
        String sha256 = sha256(examFile);
        int inserted = jdbc.update(
                """
                INSERT INTO exam_content (exam_id, version, title, content_json, content_sha256, published_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (exam_id, version) DO NOTHING""",
                content.examId(),
                content.version(),
                content.title(),
                examFile,
                sha256,
                Timestamp.from(clock.instant()));
        if (inserted == 0) {
            String existing = jdbc.queryForObject(
                    "SELECT content_sha256 FROM exam_content WHERE exam_id = ? AND version = ?",
                    String.class,
                    content.examId(),
                    content.version());
            if (!sha256.equals(existing)) {
                throw DomainException.precondition(
                        "VERSION_ALREADY_PUBLISHED",
                        "Exam %s version %d is already published with other content; published content never changes: publish it as a new version."
                                .formatted(content.examId(), content.version()));
            }
        }
        return content;
    }

    /** Reads and checks an exam file without storing anything: what publishing it would publish. */
    @Override
    public ExamContent check(byte[] examFile, String source) {
        return reader.read(examFile, source);
    }

    /** The SHA-256 (hex) of a published version's file, as stored. */
    @Override
    public Optional<String> contentSha256(String examId, int version) {
        return jdbc
                .query(
                        "SELECT content_sha256 FROM exam_content WHERE exam_id = ? AND version = ?",
                        (rs, row) -> rs.getString(1),
                        examId,
                        version)
                .stream()
                .findFirst();
    }

    /** Sets (or moves) the window in which the exam may be started. */
    @Override
    public void schedule(String examId, ExamSchedule schedule) {
        if (isSealed(examId)) {
            throw DomainException.precondition(
                    "SEALED", "Exam %s is sealed: its schedule can no longer change.".formatted(examId));
        }
        jdbc.update(
                """
                INSERT INTO exam_schedule (exam_id, opens_at, closes_at, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (exam_id) DO UPDATE SET opens_at = EXCLUDED.opens_at, closes_at = EXCLUDED.closes_at,
                                                    updated_at = EXCLUDED.updated_at""",
                examId,
                Timestamp.from(schedule.opensAt()),
                Timestamp.from(schedule.closesAt()),
                Timestamp.from(clock.instant()));
    }

    /** Enrols candidates, or updates their extra time and site: all of them or, on a failure, none. */
    @Transactional
    @Override
    public void enrol(List<Enrolment> enrolments) {
        jdbc.batchUpdate("""
                INSERT INTO exam_enrolment (exam_id, candidate_id, extra_time_seconds, site) VALUES (?, ?, ?, ?)
                ON CONFLICT (exam_id, candidate_id) DO UPDATE SET extra_time_seconds = EXCLUDED.extra_time_seconds,
                                                                  site = EXCLUDED.site""", enrolments, enrolments.size(), (ps, e) -> {
            ps.setString(1, e.examId());
            ps.setString(2, e.candidateId());
            ps.setLong(3, e.extraTime().toSeconds());
            ps.setString(4, e.site());
        });
    }

    /**
     * The sessions of an exam that run now (started, not submitted), of every candidate or of those
     * enrolled at one site, as the session-deadline projection knows them.
     */
    @Override
    public List<String> runningSessions(String examId, String site) {
        return jdbc.queryForList("""
                SELECT d.session_id FROM exam_enrolment e
                JOIN session_deadline d ON d.session_id = e.exam_id || ':' || e.candidate_id
                WHERE e.exam_id = ? AND NOT d.submitted AND (CAST(? AS VARCHAR) IS NULL OR e.site = ?)
                ORDER BY d.session_id""", String.class, examId, site, site);
    }

    /** Sets how fast the exam lets candidates in and how many sessions may be active at once. */
    @Override
    public void admission(String examId, Admission.Policy policy) {
        jdbc.update("""
                INSERT INTO exam_admission (exam_id, admissions_per_second, max_active_sessions) VALUES (?, ?, ?)
                ON CONFLICT (exam_id) DO UPDATE SET admissions_per_second = EXCLUDED.admissions_per_second,
                                                    max_active_sessions = EXCLUDED.max_active_sessions""", examId, policy.admissionsPerSecond(), policy.maxInside());
    }

    /** The exam's admission policy, if one was set. */
    @Override
    public Optional<Admission.Policy> admission(String examId) {
        return jdbc
                .query(
                        "SELECT admissions_per_second, max_active_sessions FROM exam_admission WHERE exam_id = ?",
                        (rs, row) -> new Admission.Policy(rs.getDouble(1), rs.getLong(2)),
                        examId)
                .stream()
                .findFirst();
    }

    @Override
    public Optional<ExamContent> latestContent(String examId) {
        Integer version =
                jdbc.queryForObject("SELECT max(version) FROM exam_content WHERE exam_id = ?", Integer.class, examId);
        return version == null ? Optional.empty() : content(examId, version);
    }

    @Override
    public Optional<ExamContent> content(String examId, int version) {
        ContentKey key = new ContentKey(examId, version);
        ExamContent cached = contentCache.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        String sharedKey = examId + "/" + version;
        byte[] file = sharedExamFiles.get(sharedKey);
        if (file == null) {
            List<byte[]> files = jdbc.query(
                    "SELECT content_json FROM exam_content WHERE exam_id = ? AND version = ?",
                    (rs, row) -> rs.getBytes(1),
                    examId,
                    version);
            if (files.isEmpty()) {
                return Optional.empty();
            }
            file = files.getFirst();
            sharedExamFiles.putIfAbsent(sharedKey, file);
        }
        ExamContent content = reader.read(file, "stored exam %s version %d".formatted(examId, version));
        contentCache.putIfAbsent(key, content);
        return Optional.of(content);
    }

    @Override
    public boolean isSealed(String examId) {
        return Boolean.TRUE.equals(
                jdbc.queryForObject(SEALED, Boolean.class, examId, PublishedEvents.nameOf(ExamSealed.class)));
    }

    /**
     * Sealing an exam holds its lock exclusively from reading the sessions until the seal is stored;
     * this takes it shared, on a connection of its own, until the calling command's unit of work is
     * cleaned up, after its events are committed (commands have no transaction to tie it to), or,
     * when the command stopped waiting for a database that did not answer, until its events' batch
     * ends: a seal never reads the log while they may still arrive. While
     * a seal is being taken it refuses at once rather than wait: a waiting command would hold a
     * pooled connection the seal itself may need.
     */
    @Override
    public boolean isSealedHoldingSealingBack(String examId) {
        if (!CurrentUnitOfWork.isStarted()) {
            throw new IllegalStateException("The sealing is held back for a command: call this while handling one");
        }
        Connection connection;
        try {
            connection = jdbc.getDataSource().getConnection();
        } catch (SQLException e) {
            throw new CannotGetJdbcConnectionException("Cannot hold back the sealing of exam " + examId, e);
        }
        boolean taken;
        boolean sealed;
        try {
            taken = queryBoolean(
                    connection, "SELECT pg_try_advisory_lock_shared(?, hashtext(?))", SEALING_LOCK, examId);
            // On the lock's connection: the command holds one connection, not two.
            sealed = taken && queryBoolean(connection, SEALED, examId, PublishedEvents.nameOf(ExamSealed.class));
        } catch (SQLException e) {
            releaseSealingLock(connection, examId);
            throw new UncategorizedSQLException("Holding back the sealing of exam " + examId, null, e);
        }
        if (!taken) {
            closeQuietly(connection);
            throw DomainException.preconditionForNow(
                    "SEALING_IN_PROGRESS",
                    ("Exam %s is being closed and sealed right now; "
                                    + "try again in a few seconds (once sealed, nothing more can be added).")
                            .formatted(examId),
                    Duration.ofSeconds(5));
        }
        CurrentUnitOfWork.get()
                .onCleanup(unitOfWork ->
                        GroupCommit.whenAppendSettled(unitOfWork, () -> releaseSealingLock(connection, examId)));
        return sealed;
    }

    private static boolean queryBoolean(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /**
     * A session lock outlives its holder's use: a connection that cannot unlock is aborted, then
     * closed, so the pool forgets it instead of lending it out still holding the exam.
     */
    private static void releaseSealingLock(Connection connection, String examId) {
        try {
            try (PreparedStatement unlock =
                    connection.prepareStatement("SELECT pg_advisory_unlock_shared(?, hashtext(?))")) {
                unlock.setInt(1, SEALING_LOCK);
                unlock.setString(2, examId);
                unlock.execute();
            }
        } catch (SQLException e) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException ignored) {
                // Aborting only fails on a connection already gone, which holds no lock.
            }
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing a connection that holds no lock: nothing is left behind either way.
        }
    }

    @Override
    public Optional<ExamSchedule> schedule(String examId) {
        return jdbc
                .query(
                        "SELECT opens_at, closes_at FROM exam_schedule WHERE exam_id = ?",
                        (rs, row) -> new ExamSchedule(
                                rs.getTimestamp(1).toInstant(),
                                rs.getTimestamp(2).toInstant()),
                        examId)
                .stream()
                .findFirst();
    }

    @Override
    public Optional<Enrolment> enrolment(String examId, String candidateId) {
        return jdbc
                .query(
                        "SELECT extra_time_seconds, site FROM exam_enrolment WHERE exam_id = ? AND candidate_id = ?",
                        (rs, row) ->
                                new Enrolment(examId, candidateId, Duration.ofSeconds(rs.getLong(1)), rs.getString(2)),
                        examId,
                        candidateId)
                .stream()
                .findFirst();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
