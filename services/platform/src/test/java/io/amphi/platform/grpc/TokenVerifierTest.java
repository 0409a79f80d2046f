package io.amphi.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

    private static final RevocationList NOTHING_REVOKED = new RevocationList() {
        @Override
        public Optional<Instant> revokedAt(String subject, String examId) {
            return Optional.empty();
        }

        @Override
        public boolean current() {
            return true;
        }
    };

    @Test
    void callsWithKnownTokensPassWhileNewTokensWaitTheirTurn() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        TokenVerifier verifier = new TokenVerifier(
                new SigningKeySet(() -> new JWKSet(key.toPublicJWK()).toString(), new Readiness()),
                NOTHING_REVOKED,
                Clock.systemUTC(),
                1);
        String known = token(key, "C00001");
        assertThat(verifier.verify(known).id()).isEqualTo("C00001");

        ExecutorService calls = Executors.newFixedThreadPool(2);
        verifier.signatureChecks.acquire();
        try {
            Future<Caller> fresh = calls.submit(() -> verifier.verify(token(key, "C00002")));
            assertThat(calls.submit(() -> verifier.verify(known))
                            .get(5, TimeUnit.SECONDS)
                            .id())
                    .as("a call with a known token does not wait for signature checks")
                    .isEqualTo("C00001");
            Thread.sleep(300);
            assertThat(fresh.isDone())
                    .as("a new token waits for the check in progress")
                    .isFalse();

            verifier.signatureChecks.release();
            assertThat(fresh.get(5, TimeUnit.SECONDS).id()).isEqualTo("C00002");
        } finally {
            calls.shutdownNow();
        }
    }

    @Test
    void aTokenNamingAKeyNotFetchedYetDoesNotHoldUpTheChecksOfOthers() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ECKey rotated = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
        CountDownLatch authAnswers = new CountDownLatch(1);
        AtomicInteger fetches = new AtomicInteger();
        JwksSource slowAfterRotation = () -> {
            if (fetches.incrementAndGet() == 1) {
                return new JWKSet(first.toPublicJWK()).toString();
            }
            try {
                authAnswers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new JWKSet(List.of(first.toPublicJWK(), rotated.toPublicJWK())).toString();
        };
        TokenVerifier verifier = new TokenVerifier(
                new SigningKeySet(slowAfterRotation, new Readiness()), NOTHING_REVOKED, Clock.systemUTC(), 1);
        assertThat(verifier.verify(token(first, "C00001")).id()).isEqualTo("C00001");
        // An unknown key is fetched again at most once a second.
        Thread.sleep(1_100);

        ExecutorService calls = Executors.newFixedThreadPool(2);
        try {
            Future<Caller> underRotatedKey = calls.submit(() -> verifier.verify(token(rotated, "C00002")));
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (fetches.get() < 2 && System.nanoTime() < giveUp) {
                Thread.sleep(10);
            }
            assertThat(fetches).as("the rotated key is being fetched from auth").hasValue(2);
            assertThat(calls.submit(() -> verifier.verify(token(first, "C00003")))
                            .get(4, TimeUnit.SECONDS)
                            .id())
                    .as("a new token under a held key is checked meanwhile")
                    .isEqualTo("C00003");

            authAnswers.countDown();
            assertThat(underRotatedKey.get(5, TimeUnit.SECONDS).id()).isEqualTo("C00002");
        } finally {
            authAnswers.countDown();
            calls.shutdownNow();
        }
    }

    private static String token(ECKey key, String candidate) throws JOSEException {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder()
                        .issuer(TokenVerifier.ISSUER)
                        .subject(candidate)
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                        .claim("role", "candidate")
                        .claim("exam", "exam-1")
                        .build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
