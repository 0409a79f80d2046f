package io.amphi.platform.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class InputsTest {

    @Test
    void quotesShortValuesWholeAndLongOnesAsAPrefixWithTheirLength() {
        assertThat(Inputs.quote("q1")).isEqualTo("'q1'");
        assertThat(Inputs.quote("x".repeat(100_000))).isEqualTo("'" + "x".repeat(32) + "…' (100000 characters)");
        assertThat(Inputs.quote("a\u0000b\nc")).isEqualTo("'a?b?c'");
        assertThat(Inputs.quote(null)).isEqualTo("(none)");
    }

    @Test
    void neverCutsACharacterInHalf() {
        String emojis = "a" + "😀".repeat(40);
        assertThat(Inputs.quote(emojis)).startsWith("'a" + "😀".repeat(15) + "…'");
    }

    @Test
    void anIdIsCheckedBeforeItIsUsedAndNeverEchoedWhole() {
        assertThat(Inputs.id("edn-2026", "exam_id")).isEqualTo("edn-2026");
        DomainException missing = catchThrowableOfType(DomainException.class, () -> Inputs.id("", "exam_id"));
        assertThat(missing.reason()).isEqualTo("MISSING_EXAM_ID");
        DomainException huge =
                catchThrowableOfType(DomainException.class, () -> Inputs.id("C".repeat(3_900_000), "candidate_number"));
        assertThat(huge.reason()).isEqualTo("INVALID_CANDIDATE_NUMBER");
        assertThat(huge.getMessage()).hasSizeLessThan(200).contains("3900000 characters");
        assertThat(Inputs.optionalId("", "exam_id")).isNull();
    }

    @Test
    void textIsBoundedAndFreeOfControlCharacters() {
        assertThat(Inputs.text("  a power cut in room 2 \n", "reason", 500)).isEqualTo("a power cut in room 2");
        assertThat(catchThrowableOfType(DomainException.class, () -> Inputs.text("x".repeat(501), "reason", 500))
                        .reason())
                .isEqualTo("TOO_LONG");
        assertThat(catchThrowableOfType(DomainException.class, () -> Inputs.text("bell\u0007", "reason", 500))
                        .reason())
                .isEqualTo("CONTROL_CHARACTER");
        assertThat(catchThrowableOfType(DomainException.class, () -> Inputs.text(" ", "reason", 500))
                        .reason())
                .isEqualTo("MISSING_REASON");
        assertThat(catchThrowableOfType(DomainException.class, () -> Inputs.count(101, "option_ids", 100))
                        .reason())
                .isEqualTo("TOO_MANY");
    }
}
