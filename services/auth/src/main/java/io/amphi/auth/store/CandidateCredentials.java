package io.amphi.auth.store;

import io.amphi.auth.domain.AccessCodeHasher;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** The candidate numbers and hashed access codes universities issued, per exam. */
public class CandidateCredentials {

    /** One candidate's sign-in: the number and the code as issued, before hashing. */
    public record Issued(String examId, String candidateNumber, String accessCode) {
    }

    private final JdbcTemplate jdbc;
    private final AccessCodeHasher hasher;

    public CandidateCredentials(JdbcTemplate jdbc, AccessCodeHasher hasher) {
        this.jdbc = jdbc;
        this.hasher = hasher;
    }

    /** Stores (or replaces) credentials; only the hashes are kept. */
    public void store(List<Issued> credentials) {
        jdbc.batchUpdate("""
                INSERT INTO auth_candidate (exam_id, candidate_number, code_hash) VALUES (?, ?, ?)
                ON CONFLICT (exam_id, candidate_number) DO UPDATE SET code_hash = EXCLUDED.code_hash""",
                credentials, 500, (ps, c) -> {
                    ps.setString(1, c.examId());
                    ps.setString(2, c.candidateNumber());
                    ps.setString(3, hasher.hash(c.accessCode()));
                });
    }

    /** Whether the code is right for that candidate of that exam. */
    public boolean verify(String examId, String candidateNumber, String accessCode) {
        Optional<String> hash = jdbc.queryForList(
                "SELECT code_hash FROM auth_candidate WHERE exam_id = ? AND candidate_number = ?",
                String.class, examId, candidateNumber).stream().findFirst();
        return hash.map(h -> hasher.matches(accessCode, h)).orElse(false);
    }
}
