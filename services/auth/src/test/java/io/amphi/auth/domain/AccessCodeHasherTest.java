package io.amphi.auth.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AccessCodeHasherTest {

    private final AccessCodeHasher hasher = new AccessCodeHasher(20_000);

    @Test
    void acceptsTheRightCodeOnly() {
        String hash = hasher.hash("K7QX-2M9P-TR4W");
        assertThat(hasher.matches("K7QX-2M9P-TR4W", hash)).isTrue();
        assertThat(hasher.matches("K7QX-2M9P-TR4X", hash)).isFalse();
        assertThat(hasher.matches("", hash)).isFalse();
    }

    @Test
    void saltsEveryHashAndRecordsItsCost() {
        String first = hasher.hash("same-code");
        String second = hasher.hash("same-code");
        assertThat(first).isNotEqualTo(second).startsWith("pbkdf2-sha256$20000$");
    }

    @Test
    void verifiesHashesMadeAtAnotherCost() {
        String older = new AccessCodeHasher(5_000).hash("code-1234");
        assertThat(hasher.matches("code-1234", older)).isTrue();
    }

    @Test
    void refusesWhatIsNotItsHash() {
        assertThatThrownBy(() -> hasher.matches("x", "md5$abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessCodeHasher(10)).isInstanceOf(IllegalArgumentException.class);
    }
}
