package io.amphi.delivery.content;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.amphi.delivery.domain.AnswerableQuestion;
import io.amphi.delivery.domain.ExamContent;
import io.amphi.delivery.domain.KeyFeaturesCase;
import io.amphi.delivery.domain.MultipleResponse;
import io.amphi.delivery.domain.Question;
import io.amphi.delivery.domain.ScriptConcordance;
import io.amphi.delivery.domain.ShortText;
import io.amphi.delivery.domain.SingleBestAnswer;
import io.amphi.platform.domain.DomainException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads exam content files (format {@code amphi-exam/v1}, see EXAM-FORMAT.md): JSON checked first
 * against the published JSON Schema, then against the rules the schema cannot express (unique ids,
 * durations). Every problem is reported with its location in the file.
 */
public final class ExamFileReader {

    private static final String SCHEMA = "/schema/amphi-exam-v1.schema.json";

    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(Question.class, QuestionKinds.class)
            .addMixIn(AnswerableQuestion.class, AnswerableKinds.class);
    private final JsonSchema schema;

    public ExamFileReader() {
        try (InputStream in = ExamFileReader.class.getResourceAsStream(SCHEMA)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the exam schema " + SCHEMA, e);
        }
    }

    /**
     * Parses and validates one exam file.
     *
     * @param source names the file in error messages
     * @throws DomainException INVALID_INPUT listing every problem found
     */
    public ExamContent read(byte[] json, String source) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw invalid(
                    source,
                    "is not valid JSON: %s (line %d, column %d)"
                            .formatted(
                                    e.getOriginalMessage(),
                                    e.getLocation().getLineNr(),
                                    e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tree == null || !tree.isObject()) {
            throw invalid(source, "must hold one JSON object");
        }
        List<ValidationMessage> problems = schema.validate(tree).stream()
                .sorted(Comparator.comparing(ValidationMessage::getMessage))
                .toList();
        if (!problems.isEmpty()) {
            throw invalid(
                    source,
                    "does not follow the amphi-exam/v1 format:\n  - "
                            + problems.stream()
                                    .map(ValidationMessage::getMessage)
                                    .collect(Collectors.joining("\n  - ")));
        }
        try {
            ExamFile file = mapper.treeToValue(tree, ExamFile.class);
            return new ExamContent(file.examId(), file.version(), file.title(), file.duration(), file.questions());
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof DomainException de) {
                throw invalid(source, "is not a valid exam: " + de.getMessage());
            }
            throw invalid(source, "is not a valid exam: " + e.getOriginalMessage());
        } catch (DomainException e) {
            throw invalid(source, "is not a valid exam: " + e.getMessage());
        } catch (IOException e) {
            throw invalid(source, "is not a valid exam: " + e.getMessage());
        }
    }

    private static DomainException invalid(String source, String problem) {
        return DomainException.invalid("INVALID_EXAM_FILE", "Exam file " + source + " " + problem);
    }

    /** The file's top level. */
    record ExamFile(
            String format, String examId, int version, String title, Duration duration, List<Question> questions) {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = SingleBestAnswer.class, name = "single-best-answer"),
        @JsonSubTypes.Type(value = MultipleResponse.class, name = "multiple-response"),
        @JsonSubTypes.Type(value = ShortText.class, name = "short-text"),
        @JsonSubTypes.Type(value = ScriptConcordance.class, name = "script-concordance"),
        @JsonSubTypes.Type(value = KeyFeaturesCase.class, name = "key-features-case")
    })
    private interface QuestionKinds {}

    private static final Map<Class<?>, String> KIND_NAMES = Arrays.stream(
                    QuestionKinds.class.getAnnotation(JsonSubTypes.class).value())
            .collect(Collectors.toUnmodifiableMap(JsonSubTypes.Type::value, JsonSubTypes.Type::name));

    /** A question's kind as the exam format names it, e.g. "single-best-answer". */
    public static String kindOf(Question question) {
        return KIND_NAMES.get(question.getClass());
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = SingleBestAnswer.class, name = "single-best-answer"),
        @JsonSubTypes.Type(value = MultipleResponse.class, name = "multiple-response"),
        @JsonSubTypes.Type(value = ShortText.class, name = "short-text"),
        @JsonSubTypes.Type(value = ScriptConcordance.class, name = "script-concordance")
    })
    private interface AnswerableKinds {}
}
