package io.amphi.delivery.proctoring;

import io.amphi.delivery.lease.SessionLeases;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A proctor's view of an exam, now: every enrolled candidate with the state of their session, how
 * many questions they answered, their last save and whether their page is connected; counts per
 * site. Read from the live-view projection and the enrolments (delivery's own tables) and from the
 * session leases (whether a page renewed its lease lately).
 */
public class LiveView {

    /** A page not heard of for this long counts as disconnected. */
    public static final Duration DISCONNECTED_AFTER = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final SessionLeases leases;
    private final Clock clock;

    public LiveView(JdbcTemplate jdbc, SessionLeases leases, Clock clock) {
        this.jdbc = jdbc;
        this.leases = leases;
        this.clock = clock;
    }

    /** Where a candidate is in the exam. */
    public enum State { NOT_STARTED, IN_EXAM, PAUSED, SUBMITTED }

    /** One candidate as a proctor sees them; times are null when they do not apply. */
    public record Candidate(String candidateId, String site, State state, int answered, Instant startedAt,
                            Instant deadline, Instant lastSaveAt, Instant pausedAt, Instant submittedAt,
                            Instant lastSeenAt, boolean disconnected) {
    }

    /** Candidates of one site (null: enrolled without a site) by state. */
    public record SiteCounts(String site, int notStarted, int inExam, int paused, int submitted) {
    }

    /** What a filter asks for: a site, a state, a piece of the candidate number; null for any. */
    public record Filter(String site, State state, String search) {
    }

    /** One page of candidates (by candidate number), the counts of the whole exam, and the rows that match in all. */
    public record Page(List<SiteCounts> sites, List<Candidate> candidates, int matching, Instant at) {
    }

    public Page read(String examId, Filter filter, int pageSize, int offset) {
        Instant now = clock.instant();
        StringBuilder where = new StringBuilder("WHERE e.exam_id = ?");
        List<Object> arguments = new ArrayList<>(List.of(examId));
        if (filter.site() != null) {
            where.append(" AND e.site = ?");
            arguments.add(filter.site());
        }
        if (filter.search() != null && !filter.search().isEmpty()) {
            where.append(" AND e.candidate_id ILIKE ? ESCAPE '\\'");
            arguments.add("%" + filter.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (filter.state() != null) {
            where.append(switch (filter.state()) {
                case NOT_STARTED -> " AND s.session_id IS NULL";
                case IN_EXAM -> " AND s.session_id IS NOT NULL AND s.submitted_at IS NULL AND s.paused_at IS NULL";
                case PAUSED -> " AND s.paused_at IS NOT NULL AND s.submitted_at IS NULL";
                case SUBMITTED -> " AND s.submitted_at IS NOT NULL";
            });
        }
        String from = " FROM exam_enrolment e LEFT JOIN live_session s ON s.exam_id = e.exam_id AND s.candidate_id = e.candidate_id ";
        Integer matching = jdbc.queryForObject("SELECT count(*)" + from + where, Integer.class, arguments.toArray());
        List<Object> pageArguments = new ArrayList<>(arguments);
        pageArguments.add(pageSize);
        pageArguments.add(offset);
        List<Row> rows = jdbc.query("""
                SELECT e.candidate_id, e.site, s.session_id, s.started_at, s.deadline,
                       (SELECT max(a.saved_at) FROM live_session_answer a WHERE a.session_id = s.session_id), s.paused_at,
                       s.submitted_at, (SELECT count(*) FROM live_session_answer a WHERE a.session_id = s.session_id AND a.answered)
                """ + from + where + " ORDER BY e.candidate_id LIMIT ? OFFSET ?",
                (rs, n) -> Row.of(rs), pageArguments.toArray());
        Set<String> sessions = new LinkedHashSet<>();
        rows.stream().filter(r -> r.sessionId() != null).forEach(r -> sessions.add(r.sessionId()));
        Map<String, Instant> seen = sessions.isEmpty() ? Map.of() : leases.lastSeen(sessions);
        List<Candidate> candidates = rows.stream().map(r -> r.candidate(seen.get(r.sessionId()), now)).toList();
        return new Page(siteCounts(examId), candidates, matching == null ? 0 : matching, now);
    }

    private List<SiteCounts> siteCounts(String examId) {
        return jdbc.query("""
                SELECT e.site,
                       count(*) FILTER (WHERE s.session_id IS NULL),
                       count(*) FILTER (WHERE s.session_id IS NOT NULL AND s.submitted_at IS NULL AND s.paused_at IS NULL),
                       count(*) FILTER (WHERE s.paused_at IS NOT NULL AND s.submitted_at IS NULL),
                       count(*) FILTER (WHERE s.submitted_at IS NOT NULL)
                FROM exam_enrolment e LEFT JOIN live_session s ON s.exam_id = e.exam_id AND s.candidate_id = e.candidate_id
                WHERE e.exam_id = ? GROUP BY e.site ORDER BY e.site NULLS FIRST""",
                (rs, n) -> new SiteCounts(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)), examId);
    }

    private record Row(String candidateId, String site, String sessionId, Instant startedAt, Instant deadline,
                       Instant lastSaveAt, Instant pausedAt, Instant submittedAt, int answered) {

        static Row of(ResultSet rs) throws SQLException {
            return new Row(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4)),
                    instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)),
                    instant(rs.getTimestamp(8)), rs.getInt(9));
        }

        Candidate candidate(Instant lastSeen, Instant now) {
            State state = sessionId == null ? State.NOT_STARTED
                    : submittedAt != null ? State.SUBMITTED
                    : pausedAt != null ? State.PAUSED : State.IN_EXAM;
            boolean running = state == State.IN_EXAM || state == State.PAUSED;
            boolean disconnected = running && (lastSeen == null || lastSeen.isBefore(now.minus(DISCONNECTED_AFTER)));
            return new Candidate(candidateId, site, state, answered, startedAt, deadline, lastSaveAt, pausedAt, submittedAt,
                    lastSeen, disconnected);
        }

        private static Instant instant(Timestamp timestamp) {
            return timestamp == null ? null : timestamp.toInstant();
        }
    }
}
