package io.amphi.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidateCsvTest {

    @Test
    void readsAHeaderAndOneCandidatePerRowWhateverTheLineEnds() {
        assertThat(ExamAdminController.candidateNumbers(
                        "\uFEFFcandidate_number,name\r\nc-1,\"Dupont, Anne\"\nc-2,\"Say \"\"hi\"\"\"\r\n\n"))
                .containsExactly("c-1", "c-2");
    }

    @Test
    void namesEveryBadRowWithItsLineAndTakesNone() {
        String csv = """
                candidate_number,site
                c-1,A
                c 2,A
                c-1,B
                c-4
                "c-5,A
                """;
        assertThatThrownBy(() -> ExamAdminController.candidateNumbers(csv))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.reason()).isEqualTo("INVALID_CSV");
                    assertThat(e.getMessage()).contains("Nothing was stored");
                    assertThat(e.problems()).extracting(p -> p.get("line")).containsExactly(6, 3, 4, 5);
                    assertThat(e.problems())
                            .extracting(p -> (String) p.get("message"))
                            .containsExactly(
                                    "a quoted field is never closed",
                                    "'c 2' is not a candidate number: 1 to 64 letters, digits, '.', '_' or '-'",
                                    "candidate c-1 is already on line 2",
                                    "has 1 fields where the header has 2");
                });
    }

    @Test
    void refusesAFileWithoutTheColumnOrWithoutCandidates() {
        assertThatThrownBy(() -> ExamAdminController.candidateNumbers("number\nc-1\n"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(Map.of(
                                        "line", 1, "message", "the header row must name a column candidate_number")));
        assertThatThrownBy(() -> ExamAdminController.candidateNumbers("candidate_number\n"))
                .hasMessageContaining("names no candidate");
        assertThatThrownBy(() -> ExamAdminController.candidateNumbers("")).hasMessageContaining("The file is empty");
    }

    @Test
    void aHostileRecordCostsOneProblemNotOnePerCharacter() {
        Csv.Parsed commas = Csv.parse("candidate_number\n" + ",".repeat(1_000_000) + "\nc-1\n", 100);
        assertThat(commas.problems()).containsExactly(Map.of("line", 2, "message", "more than 50 fields"));
        assertThat(commas.rows()).extracting(Csv.Row::line).containsExactly(1, 3);
        Csv.Parsed trailing = Csv.parse("candidate_number\n\"a\"" + "x".repeat(1_000_000) + "\n", 100);
        assertThat(trailing.problems()).hasSize(1);
    }

    @Test
    void quotesALongBadValueOnlyInShort() {
        String huge = "x".repeat(10_000) + "!";
        assertThatThrownBy(() -> ExamAdminController.candidateNumbers("candidate_number\n" + huge + "\n"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat((String) e.problems().getFirst().get("message"))
                                .hasSizeLessThan(150)
                                .contains("(10001 characters)"));
    }

    @Test
    void writesFieldsASpreadsheetCannotRunAsFormulas() {
        assertThat(Csv.line(List.of("=HYPERLINK(\"x\")", "-1.500", "a,b", "+33", "@x")))
                .isEqualTo("\"'=HYPERLINK(\"\"x\"\")\",-1.500,\"a,b\",'+33,'@x\r\n");
    }
}
