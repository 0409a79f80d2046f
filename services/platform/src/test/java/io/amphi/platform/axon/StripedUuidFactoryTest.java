package io.amphi.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.axonframework.common.IdentifierFactory;
import org.junit.jupiter.api.Test;

class StripedUuidFactoryTest {

    @Test
    void axonDrawsEveryMessageIdentifierFromIt() {
        assertThat(IdentifierFactory.getInstance()).isInstanceOf(StripedUuidFactory.class);
    }

    @Test
    void identifiersAreDistinctRandomVersion4UuidsAcrossThreads() throws Exception {
        IdentifierFactory identifiers = new StripedUuidFactory();
        Set<String> drawn = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = IntStream.range(0, 16)
                    .<Future<?>>mapToObj(t -> threads.submit(() -> {
                        for (int i = 0; i < 10_000; i++) {
                            drawn.add(identifiers.generateIdentifier());
                        }
                    }))
                    .toList();
            for (Future<?> thread : done) {
                thread.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(drawn).hasSize(160_000);
        assertThat(drawn).allSatisfy(identifier -> {
            UUID uuid = UUID.fromString(identifier);
            assertThat(uuid.toString()).isEqualTo(identifier);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
        });
        long[] onesPerBit = new long[128];
        drawn.forEach(identifier -> {
            UUID uuid = UUID.fromString(identifier);
            for (int bit = 0; bit < 64; bit++) {
                onesPerBit[bit] += (uuid.getMostSignificantBits() >>> bit) & 1;
                onesPerBit[64 + bit] += (uuid.getLeastSignificantBits() >>> bit) & 1;
            }
        });
        // The 122 random bits each come out about half the time (version and variant bits are fixed).
        IntStream.range(0, 128)
                .filter(bit -> !List.of(12, 13, 14, 15, 64 + 62, 64 + 63).contains(bit))
                .forEach(bit -> assertThat(onesPerBit[bit]).as("bit %d", bit).isBetween(78_000L, 82_000L));
    }
}
