package io.amphi.delivery.offline;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Each session's offline journal key: HMAC-SHA256 of the session id under one secret kept in
 * delivery's database, so every replica gives a session the same key, before and after restarts,
 * without storing one per session. The first replica to start makes the secret.
 */
public class OfflineJournalKeys {

    private static final String LABEL = "amphi-offline-journal-key-v1\n";

    private final byte[] secret;

    public OfflineJournalKeys(DataSource dataSource, Clock clock) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        jdbc.update(
                "INSERT INTO delivery_journal_secret (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
                candidate,
                Timestamp.from(clock.instant()));
        this.secret = jdbc.queryForObject("SELECT secret FROM delivery_journal_secret WHERE id = 1", byte[].class);
    }

    /** The 32-byte key of one session's journal. */
    public byte[] sessionKey(String sessionId) {
        return OfflineJournalFile.hmac(secret, (LABEL + sessionId).getBytes(StandardCharsets.UTF_8));
    }
}
