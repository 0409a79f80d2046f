package io.amphi.auth.store;

import io.amphi.auth.domain.AccessCodeHasher;
import io.amphi.auth.domain.AccessCodes;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** The candidate numbers and hashed access codes universities issued, per exam. */
public class CandidateCredentials {

    /** One candidate's sign-in: the number and the code as issued, before hashing. */
    public record Issued(String examId, String candidateNumber, String accessCode) {}

    private final JdbcTemplate jdbc;
    private final AccessCodeHasher hasher;
    /** Checked against when the candidate is unknown, so an unknown number costs the same work as a wrong code. */
    private final String unknownCandidate;

    public CandidateCredentials(JdbcTemplate jdbc, AccessCodeHasher hasher) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.unknownCandidate = hasher.hash(AccessCodes.generate());
    }

    /**
     * Stores (or replaces) credentials in one transaction; only the hashes are kept. Hashing is the
     * cost, so it runs on every core before the batch is written.
     */
    @Transactional
    public void store(List<Issued> credentials) {
        List<String> hashes = credentials.parallelStream()
                .map(c -> hasher.hash(c.accessCode()))
                .toList();
        jdbc.batchUpdate("""
                INSERT INTO auth_candidate (exam_id, candidate_number, code_hash) VALUES (?, ?, ?)
                ON CONFLICT (exam_id, candidate_number) DO UPDATE SET code_hash = EXCLUDED.code_hash""", IntStream.range(0, credentials.size()).boxed().toList(), 500, (ps, i) -> {
            ps.setString(1, credentials.get(i).examId());
            ps.setString(2, credentials.get(i).candidateNumber());
            ps.setString(3, hashes.get(i));
        });
    }

    /**
     * Whether the code is right for that candidate of that exam. An unknown candidate takes the
     * same work as a known one with a wrong code, so the time taken does not tell which numbers exist.
     */
    public boolean verify(String examId, String candidateNumber, String accessCode) {
        Optional<String> hash = jdbc
                .queryForList(
                        "SELECT code_hash FROM auth_candidate WHERE exam_id = ? AND candidate_number = ?",
                        String.class,
                        examId,
                        candidateNumber)
                .stream()
                .findFirst();
        boolean matches = hasher.matches(accessCode, hash.orElse(unknownCandidate));
        return hash.isPresent() && matches;
    }
}
