package io.amphi.platform.grpc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.amphi.platform.cluster.Revocations;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Verifies access tokens locally, with the auth service's public keys (JWKS) cached: the auth
 * service is not called per request. The key set is fetched again when a token names a key not
 * seen yet (a rotation), at most once a second so forged key ids cannot flood the auth service, and
 * every five minutes in any case.
 */
public class TokenVerifier {

    /** A token that does not open the door, with the reason in words. */
    public static final class InvalidToken extends RuntimeException {
        public InvalidToken(String message) {
            super(message);
        }
    }

    static final String ISSUER = "amphi";
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final Duration UNKNOWN_KEY_REFETCH = Duration.ofSeconds(1);
    private static final Duration REFRESH = Duration.ofMinutes(5);

    private final JwksSource jwksSource;
    private final Revocations revocations;
    private final Clock clock;
    private volatile JWKSet keys = new JWKSet();
    private volatile Instant fetchedAt = Instant.MIN;
    private final Cache<String, Signed> verifiedSignatures = Caffeine.newBuilder()
            .maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(30)).build();

    /**
     * @param jwksSource  fetches the current JSON Web Key Set from the auth service
     * @param revocations identities whose earlier tokens are refused
     */
    public TokenVerifier(JwksSource jwksSource, Revocations revocations, Clock clock) {
        this.jwksSource = jwksSource;
        this.revocations = revocations;
        this.clock = clock;
    }

    /** The caller a valid token names; {@link InvalidToken} otherwise. */
    public Caller verify(String token) {
        Signed cached = verifiedSignatures.getIfPresent(token);
        Signed signed = cached != null ? cached : checkSignature(token);
        if (cached == null) {
            verifiedSignatures.put(token, signed);
        }
        Instant now = clock.instant();
        if (signed.expiresAt() == null || !signed.expiresAt().plus(CLOCK_SKEW).isAfter(now)) {
            throw new InvalidToken("The access token has expired: refresh it or sign in again.");
        }
        if (signed.notBefore() != null && signed.notBefore().isAfter(now.plus(CLOCK_SKEW))) {
            throw new InvalidToken("The access token is not valid yet.");
        }
        Caller caller = signed.caller();
        revocations.revokedAt(Revocations.identity(caller.id(), caller.examId()))
                .filter(revokedAt -> !signed.issuedAt().isAfter(revokedAt))
                .ifPresent(revokedAt -> {
                    throw new InvalidToken("This identity's access was withdrawn at " + revokedAt + ".");
                });
        return caller;
    }

    /**
     * What a token's verified signature vouches for. Checking an ES256 signature is the costliest
     * step of a call (measured), and a client sends the same token for minutes, so each token's
     * signature is checked once; time and revocation are checked on every call.
     */
    private record Signed(Caller caller, Instant expiresAt, Instant notBefore, Instant issuedAt) {
    }

    private Signed checkSignature(String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidToken("The access token is not a signed JWT.");
        }
        if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidToken("The access token is not signed with ES256.");
        }
        ECKey key = key(jwt.getHeader().getKeyID());
        try {
            if (!jwt.verify(new ECDSAVerifier(key))) {
                throw new InvalidToken("The access token's signature does not verify.");
            }
        } catch (JOSEException e) {
            throw new InvalidToken("The access token's signature cannot be checked.");
        }
        if (!ISSUER.equals(claims.getIssuer())) {
            throw new InvalidToken("The access token was not issued by Amphi.");
        }
        Caller caller = new Caller(role(claims), claims.getSubject(), (String) claims.getClaim("exam"),
                words(claims.getClaim("scope")), words(claims.getClaim("exams")));
        return new Signed(caller, instant(claims.getExpirationTime()), instant(claims.getNotBeforeTime()),
                claims.getIssueTime() == null ? Instant.MIN : claims.getIssueTime().toInstant());
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }


    private static Set<String> words(Object claim) {
        return claim instanceof String spaceSeparated && !spaceSeparated.isBlank()
                ? Set.of(spaceSeparated.split(" ")) : Set.of();
    }

    private static Caller.Role role(JWTClaimsSet claims) {
        Object role = claims.getClaim("role");
        try {
            return Caller.Role.valueOf(String.valueOf(role).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidToken("The access token names no known role.");
        }
    }

    private ECKey key(String keyId) {
        if (keyId == null) {
            throw new InvalidToken("The access token names no key.");
        }
        Instant now = clock.instant();
        JWK key = keys.getKeyByKeyId(keyId);
        boolean stale = now.isAfter(fetchedAt.plus(REFRESH));
        if ((key == null && now.isAfter(fetchedAt.plus(UNKNOWN_KEY_REFETCH))) || stale) {
            fetch(now);
            key = keys.getKeyByKeyId(keyId);
        }
        if (!(key instanceof ECKey ecKey)) {
            throw new InvalidToken("The access token was signed with a key Amphi does not publish.");
        }
        return ecKey;
    }

    private synchronized void fetch(Instant now) {
        try {
            keys = JWKSet.parse(jwksSource.get());
            fetchedAt = now;
        } catch (ParseException e) {
            throw new IllegalStateException("The auth service's key set is not a JWKS", e);
        }
    }
}
