package io.amphi.delivery.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.delivery.domain.ExamContent;
import io.amphi.delivery.domain.KeyFeaturesCase;
import io.amphi.delivery.domain.MultipleResponse;
import io.amphi.delivery.domain.ScriptConcordance;
import io.amphi.delivery.domain.ShortText;
import io.amphi.delivery.domain.SingleBestAnswer;
import io.amphi.platform.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExamFileReaderTest {

    private final ExamFileReader reader = new ExamFileReader();

    private static byte[] demoFile() throws IOException {
        try (InputStream in = ExamFileReaderTest.class.getResourceAsStream("/exams/demo-cardiology.json")) {
            return in.readAllBytes();
        }
    }

    private static String demo() throws IOException {
        return new String(demoFile(), StandardCharsets.UTF_8);
    }

    private String problemWith(String json) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(
                        DomainException.class, () -> reader.read(json.getBytes(StandardCharsets.UTF_8), "bad.json"))
                .getMessage();
    }

    @Test
    void readsTheDemoExamWithEveryKindOfQuestion() throws IOException {
        ExamContent content = reader.read(demoFile(), "demo");

        assertThat(content.examId()).isEqualTo("demo-cardiology");
        assertThat(content.version()).isEqualTo(1);
        assertThat(content.duration()).isEqualTo(Duration.ofHours(2));
        assertThat(content.questions())
                .extracting(q -> q.getClass().getSimpleName())
                .containsExactly(
                        "SingleBestAnswer",
                        "MultipleResponse",
                        "ShortText",
                        "KeyFeaturesCase",
                        "ScriptConcordance",
                        "ScriptConcordance");
        KeyFeaturesCase kfc = (KeyFeaturesCase) content.questions().get(3);
        assertThat(kfc.questions()).hasSize(3);
        assertThat(content.answerableCount()).isEqualTo(8);
        assertThat(content.answerable("case1.q3")).get().isInstanceOf(ShortText.class);
        assertThat(content.answerable("q1")).get().isInstanceOf(SingleBestAnswer.class);
        assertThat(content.answerable("q2")).get().isInstanceOf(MultipleResponse.class);
        assertThat(content.answerable("q6")).get().isInstanceOf(ScriptConcordance.class);
        assertThat(content.answerable("case1")).isEmpty();
    }

    @Test
    void reportsWhereTheJsonIsBroken() {
        assertThat(problemWith("{\n  \"format\": \"amphi-exam/v1\",\n  \"examId\": }"))
                .startsWith("Exam file bad.json is not valid JSON")
                .contains("line 3");
    }

    @Test
    void reportsEveryMissingField() {
        assertThat(problemWith("{\"format\": \"amphi-exam/v1\", \"examId\": \"x\"}"))
                .contains("does not follow the amphi-exam/v1 format")
                .contains("version")
                .contains("title")
                .contains("duration")
                .contains("questions");
    }

    @Test
    void refusesAnotherFormat() throws IOException {
        assertThat(problemWith(demo().replace("amphi-exam/v1", "amphi-exam/v9")))
                .contains("$.format");
    }

    @Test
    void refusesAnUnknownKindOfQuestion() throws IOException {
        assertThat(problemWith(demo().replace("\"short-text\"", "\"essay\""))).contains("$.questions[2].kind");
    }

    @Test
    void refusesAChoiceQuestionWithOneOption() throws IOException {
        String oneOption = demo().replaceFirst(
                        "(?s)\"options\": \\[\\s*\\{\\s*\"id\": \"A\",\\s*\"text\": \"Right coronary artery\"\\s*},.*?\"Left main coronary artery\"\\s*}\\s*]",
                        "\"options\": [ { \"id\": \"A\", \"text\": \"only\" } ]");
        assertThat(problemWith(oneOption)).contains("$.questions[0].options");
    }

    @Test
    void refusesAnUnknownProperty() throws IOException {
        assertThat(problemWith(demo().replace("\"maxLength\": 80", "\"maxLength\": 80, \"answer\": \"adrenaline\"")))
                .contains("$.questions[2]")
                .contains("answer");
    }

    @Test
    void refusesAQuestionIdUsedTwice() throws IOException {
        assertThat(problemWith(demo().replace("\"id\": \"q6\"", "\"id\": \"q1\"")))
                .isEqualTo(
                        "Exam file bad.json is not a valid exam: Exam demo-cardiology uses the question id 'q1' twice.");
    }

    @Test
    void refusesAnOptionIdUsedTwice() throws IOException {
        assertThat(problemWith(demo().replace(
                                "{\n          \"id\": \"B\",\n          \"text\": \"Left anterior",
                                "{\n          \"id\": \"A\",\n          \"text\": \"Left anterior")))
                .isEqualTo("Exam file bad.json is not a valid exam: Question q1 has option id 'A' twice.");
    }

    @Test
    void refusesAZeroDuration() throws IOException {
        assertThat(problemWith(demo().replace("\"PT2H\"", "\"PT0S\"")))
                .contains("the duration must be positive and at most 12 hours");
    }
}
