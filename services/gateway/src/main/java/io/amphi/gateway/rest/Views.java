package io.amphi.gateway.rest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.google.protobuf.Empty;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.ExamContent;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.Question;
import io.amphi.proto.delivery.v1.SavedAnswer;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.SubmissionReceipt;
import io.amphi.proto.delivery.v1.TextAnswer;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The JSON shapes of exam sessions, and their mapping from and to the delivery service's messages. */
public final class Views {

    private Views() {}

    @Schema(description = "An answer: exactly one of choices, text, likert or cleared.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AnswerBody(
            @Schema(
                    description =
                            "Ids of the chosen options: one for a single best answer, any number for multiple response.")
            @Size(max = 100)
            List<@Pattern(regexp = Ids.PATTERN) String> choices,

            @Schema(description = "A short text answer, at most the question's maxLength characters.")
            @Size(max = 10_000)
            String text,

            @Schema(description = "A point on the script concordance scale, -2 to +2.") @Min(-2) @Max(2)
            Integer likert,

            @Schema(description = "true withdraws an earlier answer.")
            Boolean cleared) {

        @AssertTrue(message = "an answer has exactly one of choices, text, likert or cleared (true)")
        @Schema(hidden = true)
        @JsonIgnore
        public boolean isExactlyOne() {
            int set = (choices != null ? 1 : 0)
                    + (text != null ? 1 : 0)
                    + (likert != null ? 1 : 0)
                    + (Boolean.TRUE.equals(cleared) ? 1 : 0);
            return set == 1 && !Boolean.FALSE.equals(cleared);
        }

        Answer toProto() {
            Answer.Builder answer = Answer.newBuilder();
            if (choices != null) {
                answer.setChoices(ChoiceAnswer.newBuilder().addAllOptionIds(choices));
            } else if (text != null) {
                answer.setText(TextAnswer.newBuilder().setText(text));
            } else if (likert != null) {
                answer.setLikert(LikertAnswer.newBuilder().setValue(likert));
            } else {
                answer.setCleared(Empty.getDefaultInstance());
            }
            return answer.build();
        }

        static AnswerBody of(Answer answer) {
            return switch (answer.getValueCase()) {
                case CHOICES -> new AnswerBody(answer.getChoices().getOptionIdsList(), null, null, null);
                case TEXT -> new AnswerBody(null, answer.getText().getText(), null, null);
                case LIKERT -> new AnswerBody(null, null, answer.getLikert().getValue(), null);
                case CLEARED, VALUE_NOT_SET -> new AnswerBody(null, null, null, true);
            };
        }
    }

    @Schema(description = "A stored answer.")
    public record SavedAnswerView(String questionId, long saveNumber, AnswerBody answer, Instant savedAt) {}

    @Schema(description = "A candidate's signed receipt of a submission (AUDIT-FORMAT.md, amphi-receipt-v1); keep it.")
    public record ReceiptView(
            String sessionId,
            long lastSequence,
            String finalHash,
            String submittedAt,
            String keyId,

            @Schema(description = "Ed25519 signature, base64.")
            String signature) {}

    @Schema(
            description =
                    "An exam session as the server sees it now. Count the time down from remainingMillis, never from the device's clock.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionView(
            String sessionId,
            String examId,
            int contentVersion,
            String candidateId,
            @Schema(description = "ACTIVE or SUBMITTED.") String status,
            Instant startedAt,

            @Schema(description = "When answering ends: start + duration + extra time + extensions.")
            Instant deadline,

            @Schema(description = "Time left, in milliseconds, when the server computed this state.")
            long remainingMillis,

            Instant serverTime,
            List<SavedAnswerView> answers,
            List<String> flaggedQuestionIds,
            Instant submittedAt,

            @Schema(description = "CANDIDATE or DEADLINE, once submitted.")
            String submissionCause,

            @Schema(description = "The highest save number acknowledged; number the next save above it.")
            long highestSaveNumber,

            ReceiptView receipt,

            @Schema(
                    description =
                            "When a proctor paused the session; absent while its clock runs. While paused, no answer is taken and remainingMillis stands still.")
            Instant pausedAt,

            @Schema(
                    description =
                            "The session's offline journal key (base64, 32 bytes), given to its candidate only, when "
                                    + "starting or resuming: the page authenticates and encrypts the answers it could not send with it "
                                    + "(AUDIT-FORMAT.md section 10). Keep it in memory.")
            String offlineJournalKey) {}

    static SessionView session(SessionState state) {
        return new SessionView(
                state.getSessionId(),
                state.getExamId(),
                state.getContentVersion(),
                state.getCandidateId(),
                state.getStatus().name().replace("SESSION_STATUS_", ""),
                instant(state.getStartedAt()),
                instant(state.getDeadline()),
                millis(state.getRemaining()),
                instant(state.getServerTime()),
                state.getAnswersList().stream().map(Views::saved).toList(),
                state.getFlaggedQuestionIdsList(),
                state.hasSubmittedAt() ? instant(state.getSubmittedAt()) : null,
                state.getSubmissionCause().getNumber() == 0
                        ? null
                        : state.getSubmissionCause().name().replace("SUBMISSION_CAUSE_", ""),
                state.getHighestSaveNumber(),
                state.hasReceipt() ? receipt(state.getReceipt()) : null,
                state.hasPausedAt() ? instant(state.getPausedAt()) : null,
                state.getOfflineJournalKey().isEmpty()
                        ? null
                        : Base64.getEncoder()
                                .encodeToString(state.getOfflineJournalKey().toByteArray()));
    }

    private static SavedAnswerView saved(SavedAnswer saved) {
        return new SavedAnswerView(
                saved.getQuestionId(),
                saved.getSaveNumber(),
                AnswerBody.of(saved.getAnswer()),
                instant(saved.getSavedAt()));
    }

    private static ReceiptView receipt(SubmissionReceipt receipt) {
        return new ReceiptView(
                receipt.getSessionId(),
                receipt.getLastSequence(),
                receipt.getFinalHash(),
                receipt.getSubmittedAt(),
                receipt.getKeyId(),
                Base64.getEncoder().encodeToString(receipt.getSignature().toByteArray()));
    }

    @Schema(description = "An exam's content as the candidate sees it: no answer key.")
    public record ContentView(
            String examId,
            int version,
            String title,

            @Schema(description = "Nominal duration in seconds, before extra time.")
            long durationSeconds,

            List<QuestionView> questions) {}

    @Schema(description = "One question. kind says which fields it has.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QuestionView(
            String id,

            @Schema(
                    description =
                            "SINGLE_BEST_ANSWER, MULTIPLE_RESPONSE, SHORT_TEXT, KEY_FEATURES_CASE or SCRIPT_CONCORDANCE.")
            String kind,

            String stem,
            List<OptionView> options,
            Integer maxLength,
            String vignette,
            String hypothesis,
            String newInformation,

            @Schema(description = "Labels of the five points, from -2 to +2.")
            List<String> scaleLabels,

            @Schema(description = "A key-features case's own questions, answered by their ids.")
            List<QuestionView> questions) {}

    @Schema(description = "An option of a choice question.")
    public record OptionView(String id, String text) {}

    static ContentView content(ExamContent content) {
        return new ContentView(
                content.getExamId(),
                content.getVersion(),
                content.getTitle(),
                content.getDuration().getSeconds(),
                content.getQuestionsList().stream().map(Views::question).toList());
    }

    private static QuestionView question(Question question) {
        return switch (question.getKindCase()) {
            case SINGLE_BEST_ANSWER ->
                new QuestionView(
                        question.getId(),
                        "SINGLE_BEST_ANSWER",
                        question.getSingleBestAnswer().getStem(),
                        options(question.getSingleBestAnswer().getOptionsList()),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
            case MULTIPLE_RESPONSE ->
                new QuestionView(
                        question.getId(),
                        "MULTIPLE_RESPONSE",
                        question.getMultipleResponse().getStem(),
                        options(question.getMultipleResponse().getOptionsList()),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);
            case SHORT_TEXT ->
                new QuestionView(
                        question.getId(),
                        "SHORT_TEXT",
                        question.getShortText().getStem(),
                        null,
                        question.getShortText().getMaxLength(),
                        null,
                        null,
                        null,
                        null,
                        null);
            case KEY_FEATURES_CASE ->
                new QuestionView(
                        question.getId(),
                        "KEY_FEATURES_CASE",
                        null,
                        null,
                        null,
                        question.getKeyFeaturesCase().getVignette(),
                        null,
                        null,
                        null,
                        question.getKeyFeaturesCase().getQuestionsList().stream()
                                .map(Views::question)
                                .toList());
            case SCRIPT_CONCORDANCE ->
                new QuestionView(
                        question.getId(),
                        "SCRIPT_CONCORDANCE",
                        null,
                        null,
                        null,
                        question.getScriptConcordance().getVignette(),
                        question.getScriptConcordance().getHypothesis(),
                        question.getScriptConcordance().getNewInformation(),
                        question.getScriptConcordance().getScaleLabelsList(),
                        null);
            case KIND_NOT_SET ->
                new QuestionView(question.getId(), "UNKNOWN", null, null, null, null, null, null, null, null);
        };
    }

    private static List<OptionView> options(List<io.amphi.proto.delivery.v1.ChoiceOption> options) {
        return options.stream().map(o -> new OptionView(o.getId(), o.getText())).toList();
    }

    static Instant instant(com.google.protobuf.Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    static com.google.protobuf.Timestamp timestamp(Instant instant) {
        return com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    static long millis(com.google.protobuf.Duration duration) {
        return Duration.ofSeconds(duration.getSeconds(), duration.getNanos()).toMillis();
    }
}
