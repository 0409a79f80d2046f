package io.amphi.auth.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Signs access tokens: short-lived ES256 JWTs naming the caller, their role and their exam.
 *
 * <p>Each token lives a random part of the last fifth of the configured lifetime. A whole hall
 * signs in within the same minutes at 09:00; with one fixed lifetime their tokens would all
 * expire, and come back to be refreshed, within the same seconds, and each new token costs every
 * replica a signature check on its first call. Spread, 6,000 refreshes of ten-minute tokens come
 * over two minutes instead. A token never outlives the configured lifetime, which key rotation and
 * revocations count on.
 */
public class TokenIssuer {

    /** The {@code iss} of every Amphi token. */
    public static final String ISSUER = "amphi";

    /** The part of the lifetime over which expiries are spread. */
    private static final double EXPIRY_SPREAD = 0.2;

    /** A signed token and when it stops being accepted. */
    public record AccessToken(String token, Instant expiresAt) {}

    private final SigningKeys keys;
    private final Clock clock;
    private final Duration lifetime;

    public TokenIssuer(SigningKeys keys, Clock clock, Duration lifetime) {
        this.keys = keys;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /**
     * @param role   "candidate", "proctor", "university" or "auditor"
     * @param examId the exam a candidate signed in for; {@code null} for other roles
     * @param scopes what a service account may do, e.g. "results:read"; empty for candidates
     * @param exams  the exams a service account works on; empty for every exam (and for candidates)
     * @param sites  the sites a proctor watches; empty for every site of its exams
     */
    public AccessToken issue(
            String subject, String role, String examId, Set<String> scopes, Set<String> exams, Set<String> sites) {
        Instant now = clock.instant();
        long spreadMillis = (long) (lifetime.toMillis() * EXPIRY_SPREAD);
        Instant expiresAt = now.plus(lifetime)
                .minusMillis(ThreadLocalRandom.current().nextLong(spreadMillis + 1))
                .truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .claim("role", role);
        if (examId != null) {
            claims.claim("exam", examId);
        }
        if (!scopes.isEmpty()) {
            claims.claim("scope", String.join(" ", scopes.stream().sorted().toList()));
        }
        if (!exams.isEmpty()) {
            claims.claim("exams", String.join(" ", exams.stream().sorted().toList()));
        }
        if (!sites.isEmpty()) {
            claims.claim("sites", String.join(" ", sites.stream().sorted().toList()));
        }
        ECKey key = keys.signingKey();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(JOSEObjectType.JWT)
                        .keyID(key.getKeyID())
                        .build(),
                claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
        return new AccessToken(jwt.serialize(), expiresAt);
    }
}
