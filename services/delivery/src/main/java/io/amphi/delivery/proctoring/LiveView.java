package io.amphi.delivery.proctoring;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.amphi.delivery.admission.ExamDoor;
import io.amphi.delivery.lease.SessionLeases;
import io.amphi.platform.cluster.Admission;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    /** How long a count of disconnected pages per site is reused: every proctor of an exam polls it. */
    static final Duration DISCONNECTED_COUNTS_FOR = Duration.ofSeconds(5);
    /** How many leases are read at once to count disconnected pages. */
    private static final int LEASE_CHUNK = 1_000;

    private final JdbcTemplate jdbc;
    private final SessionLeases leases;
    private final ExamDoor door;
    private final Clock clock;
    private final LoadingCache<String, Map<String, Integer>> disconnectedBySite;

    public LiveView(JdbcTemplate jdbc, SessionLeases leases, ExamDoor door, Clock clock) {
        this.jdbc = jdbc;
        this.leases = leases;
        this.door = door;
        this.clock = clock;
        this.disconnectedBySite = Caffeine.newBuilder()
                .expireAfterWrite(DISCONNECTED_COUNTS_FOR)
                .maximumSize(1_000)
                .build(this::countDisconnected);
    }

    /** Where a candidate is in the exam. */
    public enum State {
        NOT_STARTED,
        WAITING,
        IN_EXAM,
        PAUSED,
        SUBMITTED
    }

    /** One candidate as a proctor sees them; times are null when they do not apply. */
    public record Candidate(
            String candidateId,
            String site,
            State state,
            int answered,
            Instant startedAt,
            Instant deadline,
            Instant lastSaveAt,
            Instant pausedAt,
            Instant submittedAt,
            Instant lastSeenAt,
            boolean disconnected,
            int undecidedJournals,
            long placeInLine) {}

    /**
     * Candidates of one site (null: enrolled without a site) by state (those waiting in line count
     * as not started), and how many running sessions' pages were not heard of for over a minute.
     */
    public record SiteCounts(String site, int notStarted, int inExam, int paused, int submitted, int disconnected) {}

    /**
     * What a filter asks for: a site, a state, a piece of the candidate number (null for any),
     * among the sites the proctor watches (empty: every site, and candidates without one).
     */
    public record Filter(Set<String> watched, String site, State state, String search) {
        public Filter {
            watched = Set.copyOf(watched);
        }
    }

    /**
     * One page of candidates (by candidate number), the counts of the whole exam, the rows that
     * match in all, and how many wait in the exam's line.
     */
    public record Page(List<SiteCounts> sites, List<Candidate> candidates, int matching, long waiting, Instant at) {}

    public Page read(String examId, Filter filter, int pageSize, int offset) {
        Instant now = clock.instant();
        StringBuilder where = new StringBuilder("WHERE e.exam_id = ?");
        List<Object> arguments = new ArrayList<>(List.of(examId));
        if (!filter.watched().isEmpty()) {
            where.append(" AND e.site = ANY (?)");
            arguments.add(filter.watched().toArray(String[]::new));
        }
        if (filter.site() != null) {
            where.append(" AND e.site = ?");
            arguments.add(filter.site());
        }
        if (filter.search() != null && !filter.search().isEmpty()) {
            where.append(" AND e.candidate_id ILIKE ? ESCAPE '\\'");
            arguments.add("%"
                    + filter.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (filter.state() != null) {
            where.append(
                    switch (filter.state()) {
                        case NOT_STARTED, WAITING -> " AND s.session_id IS NULL";
                        case IN_EXAM ->
                            " AND s.session_id IS NOT NULL AND s.submitted_at IS NULL AND s.paused_at IS NULL";
                        case PAUSED -> " AND s.paused_at IS NOT NULL AND s.submitted_at IS NULL";
                        case SUBMITTED -> " AND s.submitted_at IS NOT NULL";
                    });
        }
        String from =
                " FROM exam_enrolment e LEFT JOIN live_session s ON s.exam_id = e.exam_id AND s.candidate_id = e.candidate_id ";
        Integer matching = jdbc.queryForObject("SELECT count(*)" + from + where, Integer.class, arguments.toArray());
        List<Object> pageArguments = new ArrayList<>(arguments);
        pageArguments.add(pageSize);
        pageArguments.add(offset);
        List<Row> rows = jdbc.query(
                """
                SELECT e.candidate_id, e.site, s.session_id, s.started_at, s.deadline,
                       (SELECT max(a.saved_at) FROM live_session_answer a WHERE a.session_id = s.session_id), s.paused_at,
                       s.submitted_at, (SELECT count(*) FROM live_session_answer a WHERE a.session_id = s.session_id AND a.answered),
                       coalesce(s.undecided_journals, 0)
                """ + from + where + " ORDER BY e.candidate_id LIMIT ? OFFSET ?",
                (rs, n) -> Row.of(rs),
                pageArguments.toArray());
        Set<String> sessions = new LinkedHashSet<>();
        rows.stream().filter(r -> r.sessionId() != null).forEach(r -> sessions.add(r.sessionId()));
        Map<String, Instant> seen = sessions.isEmpty() ? Map.of() : leases.lastSeen(sessions);
        Admission.Waiting line = door.waiting(
                examId,
                rows.stream()
                        .filter(r -> r.sessionId() == null)
                        .map(Row::candidateId)
                        .toList());
        List<Candidate> candidates = rows.stream()
                .map(r -> r.candidate(
                        r.sessionId() == null ? null : seen.get(r.sessionId()),
                        line.places().getOrDefault(r.candidateId(), 0L),
                        now))
                .toList();
        // The line knows no sites: a proctor of some sites is not told how long it is.
        long waiting = filter.watched().isEmpty() ? line.total() : 0;
        return new Page(
                siteCounts(examId, filter.watched()), candidates, matching == null ? 0 : matching, waiting, now);
    }

    private List<SiteCounts> siteCounts(String examId, Set<String> watched) {
        // Read before the query below holds a connection: computing it takes another one.
        Map<String, Integer> disconnected = disconnectedBySite.get(examId);
        String watchedOnly = watched.isEmpty() ? "" : " AND e.site = ANY (?)";
        Object[] arguments =
                watched.isEmpty() ? new Object[] {examId} : new Object[] {examId, watched.toArray(String[]::new)};
        return jdbc.query(
                """
                SELECT e.site,
                       count(*) FILTER (WHERE s.session_id IS NULL),
                       count(*) FILTER (WHERE s.session_id IS NOT NULL AND s.submitted_at IS NULL AND s.paused_at IS NULL),
                       count(*) FILTER (WHERE s.paused_at IS NOT NULL AND s.submitted_at IS NULL),
                       count(*) FILTER (WHERE s.submitted_at IS NOT NULL)
                FROM exam_enrolment e LEFT JOIN live_session s ON s.exam_id = e.exam_id AND s.candidate_id = e.candidate_id
                WHERE e.exam_id = ?""" + watchedOnly + " GROUP BY e.site ORDER BY e.site NULLS FIRST",
                (rs, n) -> new SiteCounts(
                        rs.getString(1),
                        rs.getInt(2),
                        rs.getInt(3),
                        rs.getInt(4),
                        rs.getInt(5),
                        disconnected.getOrDefault(rs.getString(1) == null ? "" : rs.getString(1), 0)),
                arguments);
    }

    /** Running sessions, by site ("" for none), whose page has not renewed its lease for over a minute. */
    private Map<String, Integer> countDisconnected(String examId) {
        Instant now = clock.instant();
        Map<String, String> siteOf = new HashMap<>();
        jdbc.query(
                """
                SELECT s.session_id, coalesce(e.site, '') FROM live_session s
                JOIN exam_enrolment e ON e.exam_id = s.exam_id AND e.candidate_id = s.candidate_id
                WHERE s.exam_id = ? AND s.submitted_at IS NULL""",
                rs -> {
                    siteOf.put(rs.getString(1), rs.getString(2));
                },
                examId);
        Map<String, Integer> counts = new HashMap<>();
        List<String> running = new ArrayList<>(siteOf.keySet());
        for (int from = 0; from < running.size(); from += LEASE_CHUNK) {
            List<String> chunk = running.subList(from, Math.min(running.size(), from + LEASE_CHUNK));
            Map<String, Instant> seen = leases.lastSeen(new LinkedHashSet<>(chunk));
            for (String session : chunk) {
                if (disconnected(seen.get(session), now)) {
                    counts.merge(siteOf.get(session), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** A running session's page not heard of (its lease renewed) for more than {@link #DISCONNECTED_AFTER}. */
    private static boolean disconnected(Instant lastSeen, Instant now) {
        return lastSeen == null || lastSeen.isBefore(now.minus(DISCONNECTED_AFTER));
    }

    private record Row(
            String candidateId,
            String site,
            String sessionId,
            Instant startedAt,
            Instant deadline,
            Instant lastSaveAt,
            Instant pausedAt,
            Instant submittedAt,
            int answered,
            int undecidedJournals) {

        static Row of(ResultSet rs) throws SQLException {
            return new Row(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    instant(rs.getTimestamp(4)),
                    instant(rs.getTimestamp(5)),
                    instant(rs.getTimestamp(6)),
                    instant(rs.getTimestamp(7)),
                    instant(rs.getTimestamp(8)),
                    rs.getInt(9),
                    rs.getInt(10));
        }

        Candidate candidate(Instant lastSeen, long placeInLine, Instant now) {
            State state = sessionId == null
                    ? (placeInLine > 0 ? State.WAITING : State.NOT_STARTED)
                    : submittedAt != null ? State.SUBMITTED : pausedAt != null ? State.PAUSED : State.IN_EXAM;
            boolean running = state == State.IN_EXAM || state == State.PAUSED;
            boolean disconnected = running && disconnected(lastSeen, now);
            return new Candidate(
                    candidateId,
                    site,
                    state,
                    answered,
                    startedAt,
                    deadline,
                    lastSaveAt,
                    pausedAt,
                    submittedAt,
                    lastSeen,
                    disconnected,
                    undecidedJournals,
                    placeInLine);
        }

        private static Instant instant(Timestamp timestamp) {
            return timestamp == null ? null : timestamp.toInstant();
        }
    }
}
