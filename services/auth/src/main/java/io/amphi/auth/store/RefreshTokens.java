package io.amphi.auth.store;

import io.amphi.auth.domain.RandomSecrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * Refresh tokens: 256 random bits given to the caller, only their SHA-256 kept. Each works once;
 * using a spent one again means a copy leaked, and every refresh token of that identity is ended.
 */
public class RefreshTokens {

    /** Who a refresh token was issued to. */
    public record Holder(String subject, String role, String examId) {}

    /** A new refresh token and when it expires. */
    public record Issued(String token, Instant expiresAt) {}

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration lifetime;

    public RefreshTokens(JdbcTemplate jdbc, Clock clock, Duration lifetime) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Issued issue(Holder holder) {
        String token = RandomSecrets.next();
        Instant expiresAt = clock.instant().plus(lifetime);
        jdbc.update("""
                INSERT INTO auth_refresh_token (token_hash, subject, role, exam_id, expires_at) VALUES (?, ?, ?, ?, ?)""", sha256(token), holder.subject(), holder.role(), holder.examId(), Timestamp.from(expiresAt));
        return new Issued(token, expiresAt);
    }

    /**
     * Spends a refresh token: its holder if it was valid and unused; empty otherwise. A token
     * presented a second time ends every refresh token of its holder.
     */
    @Transactional
    public Optional<Holder> spend(String token) {
        String hash = sha256(token);
        Timestamp now = Timestamp.from(clock.instant());
        List<Holder> spent = jdbc.query(
                """
                UPDATE auth_refresh_token SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
                RETURNING subject, role, exam_id""", (rs, row) -> new Holder(rs.getString(1), rs.getString(2), rs.getString(3)), now, hash, now);
        if (!spent.isEmpty()) {
            return Optional.of(spent.getFirst());
        }
        List<Holder> reused = jdbc.query(
                "SELECT subject, role, exam_id FROM auth_refresh_token WHERE token_hash = ? AND used_at IS NOT NULL",
                (rs, row) -> new Holder(rs.getString(1), rs.getString(2), rs.getString(3)),
                hash);
        reused.forEach(holder -> jdbc.update("""
                UPDATE auth_refresh_token SET used_at = ?
                WHERE subject = ? AND role = ? AND exam_id IS NOT DISTINCT FROM ? AND used_at IS NULL""", now, holder.subject(), holder.role(), holder.examId()));
        return Optional.empty();
    }

    /** Ends one refresh token (its browser signed out); nothing happens for an unknown or spent one. */
    public void end(String token) {
        jdbc.update(
                "UPDATE auth_refresh_token SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                Timestamp.from(clock.instant()),
                sha256(token));
    }

    /** Ends every unused refresh token of an identity ({@code examId} null for a service account). */
    public void endAll(String subject, String examId) {
        jdbc.update(
                "UPDATE auth_refresh_token SET used_at = ? WHERE subject = ? AND exam_id IS NOT DISTINCT FROM ? AND used_at IS NULL",
                Timestamp.from(clock.instant()),
                subject,
                examId);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
