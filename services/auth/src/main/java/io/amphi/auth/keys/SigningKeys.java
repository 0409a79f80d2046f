package io.amphi.auth.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * This replica's signing key and everyone's public keys. Each replica makes its own P-256 key at
 * start and at every rotation; the private half never leaves the process (nothing secret is
 * stored), the public half goes into PostgreSQL, from which every replica's JWKS is read. A
 * retired public key stays published until the last token it signed has expired, so a rotation
 * or a restart logs nobody out. The next key is published one rotation period before it signs,
 * so verifiers, which refresh their key set every few minutes, already hold it when its first
 * token arrives (after a restart, a verifier fetches the replica's new key on first sight).
 */
public class SigningKeys {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration rotation;
    private final Duration longestToken;
    private volatile ECKey current;
    private volatile Instant currentSince;
    private volatile ECKey next;

    /**
     * @param rotation     how long one key signs before the next one takes over
     * @param longestToken the longest lifetime of a token a key signs
     */
    public SigningKeys(JdbcTemplate jdbc, Clock clock, Duration rotation, Duration longestToken) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.rotation = rotation;
        this.longestToken = longestToken;
        rotate();
    }

    /** The key to sign with now; a fresh one once the current one has signed long enough. */
    public ECKey signingKey() {
        if (!clock.instant().isBefore(currentSince.plus(rotation))) {
            synchronized (this) {
                if (!clock.instant().isBefore(currentSince.plus(rotation))) {
                    rotate();
                }
            }
        }
        return current;
    }

    /**
     * The published next key starts signing, the previous one stops, and a new next key is
     * published. Each key stays published until the last token it can sign has expired.
     */
    public synchronized void rotate() {
        Instant now = clock.instant();
        Instant signsUntil = now.plus(rotation);
        ECKey signing = next != null ? next : publish(generate(), now, signsUntil);
        jdbc.update(
                "UPDATE auth_signing_key SET published_until = ? WHERE kid = ?",
                Timestamp.from(signsUntil.plus(longestToken)),
                signing.getKeyID());
        next = publish(generate(), now, signsUntil.plus(rotation));
        current = signing;
        currentSince = now;
    }

    /** The key that signs after the next rotation, already in the published key set. */
    public String nextKeyId() {
        return next.getKeyID();
    }

    private ECKey publish(ECKey key, Instant now, Instant signsUntil) {
        jdbc.update(
                "INSERT INTO auth_signing_key (kid, public_jwk, created_at, published_until) VALUES (?, ?, ?, ?)",
                key.getKeyID(),
                key.toPublicJWK().toJSONString(),
                Timestamp.from(now),
                Timestamp.from(signsUntil.plus(longestToken)));
        return key;
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .keyID(UUID.randomUUID().toString())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot make a P-256 key", e);
        }
    }

    /** Every public key still needed to verify a token, newest first. */
    public JWKSet publicKeys() {
        List<String> jwks = jdbc.queryForList("""
                SELECT public_jwk FROM auth_signing_key WHERE published_until > ? ORDER BY created_at DESC""", String.class, Timestamp.from(clock.instant()));
        return new JWKSet(jwks.stream().map(SigningKeys::parse).toList());
    }

    private static com.nimbusds.jose.jwk.JWK parse(String json) {
        try {
            return ECKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("A stored public key is not a JWK", e);
        }
    }
}
