package io.amphi.gateway.rest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.amphi.proto.scoring.v1.KeyFeaturesCaseKey;
import io.amphi.proto.scoring.v1.MultipleResponseKey;
import io.amphi.proto.scoring.v1.PublishAnswerKeyRequest;
import io.amphi.proto.scoring.v1.QuestionKey;
import io.amphi.proto.scoring.v1.ScriptConcordanceKey;
import io.amphi.proto.scoring.v1.ShortTextKey;
import io.amphi.proto.scoring.v1.SingleBestAnswerKey;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/** The JSON shape of an answer key, and its mapping to the scoring service's message. */
public final class AnswerKeys {

    private AnswerKeys() {}

    @Schema(description = "An answer key version for one content version of the exam.")
    public record AnswerKeyBody(
            @Schema(description = "The content version the key is for.") @NotNull @Min(1)
            Integer contentVersion,

            @Schema(description = "The rule set to score with; absent for the default (edn-v1).")
            @Pattern(regexp = Ids.PATTERN)
            String ruleSet,

            @Schema(description = "Why: required for a correction (version 2 and up); kept in the log.")
            @Size(max = 500)
            String reason,

            @Schema(description = "Every question of that content version.") @NotNull @Size(min = 1, max = 1_000)
            List<@NotNull @Valid QuestionKeyBody> questions) {

        PublishAnswerKeyRequest toProto(String examId) {
            PublishAnswerKeyRequest.Builder request =
                    PublishAnswerKeyRequest.newBuilder().setExamId(examId).setContentVersion(contentVersion);
            if (ruleSet != null) {
                request.setRuleSet(ruleSet);
            }
            if (reason != null) {
                request.setReason(reason);
            }
            questions.forEach(q -> request.addQuestions(q.toProto()));
            return request.build();
        }
    }

    @Schema(description = "The key of one question: exactly one of the kinds.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QuestionKeyBody(
            @NotNull @Pattern(regexp = Ids.PATTERN) String questionId,
            @Valid SingleBestAnswerKeyBody singleBestAnswer,
            @Valid MultipleResponseKeyBody multipleResponse,
            @Valid ShortTextKeyBody shortText,
            @Valid KeyFeaturesCaseKeyBody keyFeaturesCase,
            @Valid ScriptConcordanceKeyBody scriptConcordance,

            @Schema(description = "Set to neutralise the question, with the reason.") @Size(max = 500)
            String neutralisedReason) {

        @AssertTrue(
                message =
                        "a question's key has exactly one of singleBestAnswer, multipleResponse, shortText, keyFeaturesCase or scriptConcordance")
        @Schema(hidden = true)
        @JsonIgnore
        public boolean isExactlyOneKind() {
            return java.util.stream.Stream.of(
                                    singleBestAnswer, multipleResponse, shortText, keyFeaturesCase, scriptConcordance)
                            .filter(java.util.Objects::nonNull)
                            .count()
                    == 1;
        }

        QuestionKey toProto() {
            QuestionKey.Builder key = QuestionKey.newBuilder().setQuestionId(questionId);
            if (neutralisedReason != null) {
                key.setNeutralisedReason(neutralisedReason);
            }
            if (singleBestAnswer != null) {
                key.setSingleBestAnswer(
                        SingleBestAnswerKey.newBuilder().setCorrectOptionId(singleBestAnswer.correctOptionId()));
            } else if (multipleResponse != null) {
                key.setMultipleResponse(MultipleResponseKey.newBuilder()
                        .addAllCorrectOptionIds(multipleResponse.correctOptionIds())
                        .addAllIndispensableOptionIds(orEmpty(multipleResponse.indispensableOptionIds()))
                        .addAllUnacceptableOptionIds(orEmpty(multipleResponse.unacceptableOptionIds())));
            } else if (shortText != null) {
                key.setShortText(ShortTextKey.newBuilder().addAllAcceptedAnswers(shortText.acceptedAnswers()));
            } else if (keyFeaturesCase != null) {
                KeyFeaturesCaseKey.Builder parts = KeyFeaturesCaseKey.newBuilder();
                keyFeaturesCase
                        .parts()
                        .forEach(part -> parts.addParts(KeyFeaturesCaseKey.Part.newBuilder()
                                .setKey(part.key().toProto())
                                .setWeight(part.weight())));
                key.setKeyFeaturesCase(parts);
            } else if (scriptConcordance != null) {
                key.setScriptConcordance(
                        ScriptConcordanceKey.newBuilder().putAllPanelVotes(scriptConcordance.panelVotes()));
            }
            return key.build();
        }
    }

    @Schema(description = "Single best answer key.")
    public record SingleBestAnswerKeyBody(
            @NotNull @Pattern(regexp = Ids.PATTERN) String correctOptionId) {}

    @Schema(description = "Multiple response key.")
    public record MultipleResponseKeyBody(
            @NotNull @Size(max = 100) List<@Pattern(regexp = Ids.PATTERN) String> correctOptionIds,

            @Schema(description = "Right options whose omission gives 0.") @Size(max = 100)
            List<@Pattern(regexp = Ids.PATTERN) String> indispensableOptionIds,

            @Schema(description = "Wrong options whose ticking gives 0.") @Size(max = 100)
            List<@Pattern(regexp = Ids.PATTERN) String> unacceptableOptionIds) {}

    @Schema(description = "Short text key: the answers accepted, compared after normalisation.")
    public record ShortTextKeyBody(
            @NotNull @Size(min = 1, max = 100) List<@NotNull @Size(min = 1, max = 1_000) String> acceptedAnswers) {}

    @Schema(description = "Key-features case key: one part per question of the case, in order.")
    public record KeyFeaturesCaseKeyBody(
            @NotNull @Size(min = 1, max = 100) List<@NotNull @Valid PartBody> parts) {}

    @Schema(description = "A question of a case and its weight.")
    public record PartBody(
            @NotNull @Valid QuestionKeyBody key,

            @Schema(description = "A positive decimal such as \"1.5\".")
            @NotNull
            @Pattern(regexp = "[0-9]{1,6}(\\.[0-9]{1,6})?")
            String weight) {}

    @Schema(description = "Script concordance key: panel members who chose each point, by point (\"-2\" to \"2\").")
    public record ScriptConcordanceKeyBody(
            @NotNull @Size(min = 1, max = 5)
            Map<@NotNull @Min(-2) @Max(2) Integer, @NotNull @Min(0) @Max(10_000) Integer> panelVotes) {}

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
