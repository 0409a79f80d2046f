package io.amphi.platform.grpc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.amphi.platform.domain.DomainException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Verifies access tokens locally, with the auth service's public keys ({@link SigningKeySet}): the
 * auth service is not called per request. A token is refused while the replica does not hold the
 * current revocations (just after a start, before auth answered), so a withdrawn identity never
 * slips through a restart.
 */
public class TokenVerifier {

    /** A token that does not open the door, with a stable reason and the reason in words. */
    public static final class InvalidToken extends RuntimeException {
        private final String reason;

        public InvalidToken(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    static final String ISSUER = "amphi";
    /** Far longer than any token Amphi issues (about 600 characters); longer ones are not read. */
    static final int MAX_TOKEN_CHARS = 4_096;

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final SigningKeySet keys;
    private final RevocationList revocations;
    private final Clock clock;
    private final Cache<String, Signed> verifiedSignatures = Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterWrite(Duration.ofMinutes(30))
            .build();
    /**
     * Signature checks of tokens not seen before wait their turn here: when a whole hall refreshes
     * at once, thousands of checks (about 0.4 ms of a core each) would otherwise take every core
     * from the calls whose token is already known, saves among them. A quarter of the cores (at
     * least one) checks new tokens; the others keep serving.
     */
    final Semaphore signatureChecks;

    /**
     * @param keys        the auth service's public keys
     * @param revocations identities whose earlier tokens are refused
     */
    public TokenVerifier(SigningKeySet keys, RevocationList revocations, Clock clock) {
        this(keys, revocations, clock, Math.max(1, Runtime.getRuntime().availableProcessors() / 4));
    }

    TokenVerifier(SigningKeySet keys, RevocationList revocations, Clock clock, int concurrentSignatureChecks) {
        this.keys = keys;
        this.revocations = revocations;
        this.clock = clock;
        this.signatureChecks = new Semaphore(concurrentSignatureChecks, true);
    }

    /** The caller a valid token names; {@link InvalidToken} otherwise. */
    public Caller verify(String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidToken(
                    "INVALID_TOKEN",
                    "The access token is %d characters long; an Amphi token is far shorter.".formatted(token.length()));
        }
        Signed cached = verifiedSignatures.getIfPresent(token);
        Signed signed = cached != null ? cached : checkSignatureInTurn(token);
        Instant now = clock.instant();
        if (signed.expiresAt() == null || !signed.expiresAt().plus(CLOCK_SKEW).isAfter(now)) {
            throw new InvalidToken("TOKEN_EXPIRED", "The access token has expired: refresh it or sign in again.");
        }
        if (signed.notBefore() != null && signed.notBefore().isAfter(now.plus(CLOCK_SKEW))) {
            throw new InvalidToken("TOKEN_NOT_YET_VALID", "The access token is not valid yet.");
        }
        if (!revocations.current()) {
            throw new RevocationsNotLoaded();
        }
        revocations
                .revokedAt(signed.caller().id(), signed.caller().examId())
                .filter(revokedAt -> !signed.issuedAt().isAfter(revokedAt))
                .ifPresent(revokedAt -> {
                    throw new InvalidToken(
                            "ACCESS_WITHDRAWN", "This identity's access was withdrawn at " + revokedAt + ".");
                });
        return signed.caller();
    }

    /** The replica cannot tell yet whether a token was revoked: a retry on it (or another replica) will. */
    static final class RevocationsNotLoaded extends RuntimeException {
        RevocationsNotLoaded() {
            super("This replica has not loaded the list of withdrawn identities yet; send the call again in a moment.");
        }
    }

    /**
     * What a token's verified signature vouches for. Checking an ES256 signature is the costliest
     * step of a call (measured), and a client sends the same token for minutes, so each token's
     * signature is checked once; time and revocation are checked on every call.
     */
    private record Signed(Caller caller, Instant expiresAt, Instant notBefore, Instant issuedAt) {}

    /**
     * Only the signature check itself waits its turn: a key fetch (a token naming a key not seen
     * yet) waits on its own, so a made-up key id never holds up the checks of real tokens. A token
     * first used by several calls at once is checked by the first of them only.
     */
    private Signed checkSignatureInTurn(String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidToken("INVALID_TOKEN", "The access token is not a signed JWT.");
        }
        if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidToken("INVALID_TOKEN", "The access token is not signed with ES256.");
        }
        ECKey key = key(jwt.getHeader().getKeyID());
        signatureChecks.acquireUninterruptibly();
        try {
            Signed checkedMeanwhile = verifiedSignatures.getIfPresent(token);
            if (checkedMeanwhile != null) {
                return checkedMeanwhile;
            }
            if (!jwt.verify(new ECDSAVerifier(key))) {
                throw new InvalidToken("INVALID_TOKEN", "The access token's signature does not verify.");
            }
        } catch (JOSEException e) {
            throw new InvalidToken("INVALID_TOKEN", "The access token's signature cannot be checked.");
        } finally {
            signatureChecks.release();
        }
        Signed signed = vouchedFor(claims);
        verifiedSignatures.put(token, signed);
        return signed;
    }

    /** What the claims of a token whose signature verified say. */
    private static Signed vouchedFor(JWTClaimsSet claims) {
        if (!ISSUER.equals(claims.getIssuer())) {
            throw new InvalidToken("INVALID_TOKEN", "The access token was not issued by Amphi.");
        }
        Caller caller;
        try {
            caller = new Caller(
                    role(claims),
                    claims.getSubject(),
                    claims.getStringClaim("exam"),
                    words(claims.getStringClaim("scope")),
                    words(claims.getStringClaim("exams")),
                    words(claims.getStringClaim("sites")));
        } catch (ParseException e) {
            throw new InvalidToken("INVALID_TOKEN", "The access token's claims are not of the expected types.");
        }
        return new Signed(
                caller,
                instant(claims.getExpirationTime()),
                instant(claims.getNotBeforeTime()),
                claims.getIssueTime() == null
                        ? Instant.MIN
                        : claims.getIssueTime().toInstant());
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    private static Set<String> words(String spaceSeparated) {
        return spaceSeparated != null && !spaceSeparated.isBlank() ? Set.of(spaceSeparated.split(" ")) : Set.of();
    }

    private static Caller.Role role(JWTClaimsSet claims) {
        Object role = claims.getClaim("role");
        try {
            return Caller.Role.valueOf(
                    String.valueOf(role).toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidToken("INVALID_TOKEN", "The access token names no known role.");
        }
    }

    private ECKey key(String keyId) {
        if (keyId == null) {
            throw new InvalidToken("INVALID_TOKEN", "The access token names no key.");
        }
        ECKey key = keys.key(keyId);
        if (key == null) {
            throw new InvalidToken("INVALID_TOKEN", "The access token was signed with a key Amphi does not publish.");
        }
        return key;
    }

    /** Turns a refusal into the error the caller gets. */
    static DomainException unauthenticated(InvalidToken refusal) {
        return DomainException.unauthenticated(refusal.reason(), refusal.getMessage());
    }
}
