package io.amphi.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amphi.platform.domain.DomainException;
import org.junit.jupiter.api.Test;

class PagesTest {

    @Test
    void aPageSizeDefaultsWhenUnsetAndIsBounded() {
        assertThat(Pages.size(0, 100, 500)).isEqualTo(100);
        assertThat(Pages.size(500, 100, 500)).isEqualTo(500);
        for (int bad : new int[] {-1, 501, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> Pages.size(bad, 100, 500))
                    .isInstanceOfSatisfying(
                            DomainException.class, e -> assertThat(e.reason()).isEqualTo("BAD_PAGE_SIZE"))
                    .hasMessageContaining("got " + bad);
        }
    }

    @Test
    void aTokenIsTheOffsetItGaveAndNothingElse() {
        assertThat(Pages.offset("")).isZero();
        assertThat(Pages.offset(Pages.next(200, 100, 301))).isEqualTo(300);
        assertThat(Pages.next(200, 100, 300)).as("the last page has no next").isEmpty();
        for (String bad : new String[] {"-1", "+5", "1e3", "1000000000", " 7", "٣"}) {
            assertThatThrownBy(() -> Pages.offset(bad))
                    .isInstanceOfSatisfying(
                            DomainException.class, e -> assertThat(e.reason()).isEqualTo("BAD_PAGE_TOKEN"));
        }
    }
}
