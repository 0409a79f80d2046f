package io.amphi.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SigningKeySetTest {

    @Test
    void aStormOfFirstCallsWaitsForOneSharedFetch() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        AtomicInteger fetches = new AtomicInteger();
        JwksSource slowAuth = () -> {
            fetches.incrementAndGet();
            sleep(300);
            return new JWKSet(key.toPublicJWK()).toString();
        };
        Readiness readiness = new Readiness();
        SigningKeySet keys = new SigningKeySet(slowAuth, readiness);
        assertThat(readiness.ready()).as("not ready before the keys are in").isFalse();

        int callers = 50;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<ECKey>> found = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            found.add(pool.submit(() -> {
                go.await();
                return keys.key("k1");
            }));
        }
        long started = System.nanoTime();
        go.countDown();
        for (Future<ECKey> result : found) {
            assertThat(result.get()).isNotNull();
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        pool.shutdown();

        assertThat(fetches)
                .as("one fetch for all of them, not one each behind a lock")
                .hasValue(1);
        assertThat(tookMillis)
                .as("every caller had the key when the one fetch returned")
                .isLessThan(callers * 300L / 2);
        assertThat(readiness.ready()).isTrue();
    }

    @Test
    void anUnknownKeyFetchesAtMostOnceASecond() {
        AtomicInteger fetches = new AtomicInteger();
        SigningKeySet keys = new SigningKeySet(
                () -> {
                    fetches.incrementAndGet();
                    return new JWKSet().toString();
                },
                new Readiness());
        for (int i = 0; i < 100; i++) {
            assertThat(keys.key("forged-" + i)).isNull();
        }
        assertThat(fetches).hasValue(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
