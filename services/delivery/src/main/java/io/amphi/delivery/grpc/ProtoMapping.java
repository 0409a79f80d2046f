package io.amphi.delivery.grpc;

import com.google.protobuf.ByteString;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events;
import io.amphi.delivery.api.Results;
import io.amphi.delivery.api.SessionView;
import io.amphi.delivery.api.SubmissionCause;
import io.amphi.delivery.domain.AnswerableQuestion;
import io.amphi.delivery.domain.ChoiceOption;
import io.amphi.delivery.domain.ExamContent;
import io.amphi.delivery.domain.KeyFeaturesCase;
import io.amphi.delivery.domain.MultipleResponse;
import io.amphi.delivery.domain.Question;
import io.amphi.delivery.domain.ScriptConcordance;
import io.amphi.delivery.domain.ShortText;
import io.amphi.delivery.domain.SingleBestAnswer;
import io.amphi.delivery.proctoring.LiveView;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import io.amphi.platform.grpc.Protos;
import io.amphi.proto.delivery.v1.CandidateState;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.ChoiceQuestion;
import io.amphi.proto.delivery.v1.InclusionProof;
import io.amphi.proto.delivery.v1.JournalDecision;
import io.amphi.proto.delivery.v1.KeyFeaturesCase.Builder;
import io.amphi.proto.delivery.v1.LikertAnswer;
import io.amphi.proto.delivery.v1.LiveCandidate;
import io.amphi.proto.delivery.v1.OfflineEntry;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.SavedAnswer;
import io.amphi.proto.delivery.v1.ScriptConcordanceItem;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.SessionStatus;
import io.amphi.proto.delivery.v1.ShortTextQuestion;
import io.amphi.proto.delivery.v1.SiteCounts;
import io.amphi.proto.delivery.v1.SubmissionReceipt;
import io.amphi.proto.delivery.v1.TextAnswer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Translates between the wire contract (amphi.delivery.v1) and the domain. */
final class ProtoMapping {

    private ProtoMapping() {}

    /** The most options any answer may choose; far more than any question offers. */
    static final int MAX_CHOSEN = 100;
    /** The longest text any answer may be; a question's own limit is lower. */
    static final int MAX_TEXT = 10_000;

    /** The answer as the domain knows it, its ids and length bounded before any rule looks at it. */
    static Answer answer(String questionId, io.amphi.proto.delivery.v1.Answer answer) {
        return switch (answer.getValueCase()) {
            case CHOICES -> {
                Inputs.count(answer.getChoices().getOptionIdsCount(), "option_ids", MAX_CHOSEN);
                answer.getChoices().getOptionIdsList().forEach(id -> Inputs.id(id, "option_id"));
                yield new Answer.Choices(answer.getChoices().getOptionIdsList());
            }
            case TEXT -> {
                if (answer.getText().getText().length() > MAX_TEXT) {
                    throw DomainException.invalidAnswer(
                            questionId,
                            "The text is %d characters long; no question accepts more than %d."
                                    .formatted(answer.getText().getText().length(), MAX_TEXT));
                }
                yield new Answer.Text(answer.getText().getText());
            }
            case LIKERT -> new Answer.Likert(answer.getLikert().getValue());
            case CLEARED -> new Answer.Cleared();
            case VALUE_NOT_SET ->
                throw DomainException.invalidAnswer(
                        questionId,
                        "The answer to question " + questionId + " is empty: set choices, text, likert or cleared.");
        };
    }

    static io.amphi.proto.delivery.v1.Answer answer(Answer answer) {
        var builder = io.amphi.proto.delivery.v1.Answer.newBuilder();
        switch (answer) {
            case Answer.Choices c ->
                builder.setChoices(ChoiceAnswer.newBuilder().addAllOptionIds(c.optionIds()));
            case Answer.Text t -> builder.setText(TextAnswer.newBuilder().setText(t.text()));
            case Answer.Likert l -> builder.setLikert(LikertAnswer.newBuilder().setValue(l.value()));
            case Answer.Cleared c -> builder.setCleared(com.google.protobuf.Empty.getDefaultInstance());
        }
        return builder.build();
    }

    static SubmissionReceipt receipt(io.amphi.platform.audit.SubmissionReceipt receipt) {
        return SubmissionReceipt.newBuilder()
                .setSessionId(receipt.sessionId())
                .setLastSequence(receipt.lastSequence())
                .setFinalHash(receipt.finalHash())
                .setSubmittedAt(receipt.submittedAt())
                .setKeyId(receipt.keyId())
                .setSignature(ByteString.copyFrom(receipt.signature()))
                .build();
    }

    static InclusionProof proof(io.amphi.platform.audit.InclusionProof proof) {
        return InclusionProof.newBuilder()
                .setExamId(proof.examId())
                .setSessionId(proof.sessionId())
                .setLastSequence(proof.lastSequence())
                .setFinalHash(proof.finalHash())
                .setLeafIndex(proof.leafIndex())
                .setTreeSize(proof.treeSize())
                .addAllAuditPath(proof.auditPath())
                .setExamRoot(proof.examRoot())
                .build();
    }

    static SessionState session(SessionView view) {
        SessionState.Builder state = SessionState.newBuilder()
                .setSessionId(view.sessionId())
                .setExamId(view.examId())
                .setContentVersion(view.contentVersion())
                .setCandidateId(view.candidateId())
                .setStatus(status(view))
                .setStartedAt(Protos.timestamp(view.startedAt()))
                .setDeadline(Protos.timestamp(view.deadline()))
                .setRemaining(Protos.duration(view.remaining()))
                .setServerTime(Protos.timestamp(view.serverTime()))
                .addAllFlaggedQuestionIds(view.flaggedQuestionIds())
                .setHighestSaveNumber(view.highestSaveNumber());
        for (SessionView.SavedAnswer saved : view.answers()) {
            state.addAnswers(SavedAnswer.newBuilder()
                    .setQuestionId(saved.questionId())
                    .setSaveNumber(saved.saveNumber())
                    .setAnswer(answer(saved.answer()))
                    .setSavedAt(Protos.timestamp(saved.savedAt())));
        }
        if (view.paused()) {
            state.setPausedAt(Protos.timestamp(view.pausedAt()));
        }
        if (view.submitted()) {
            state.setSubmittedAt(Protos.timestamp(view.submittedAt()));
            state.setSubmissionCause(
                    view.submissionCause() == SubmissionCause.CANDIDATE
                            ? io.amphi.proto.delivery.v1.SubmissionCause.SUBMISSION_CAUSE_CANDIDATE
                            : io.amphi.proto.delivery.v1.SubmissionCause.SUBMISSION_CAUSE_DEADLINE);
        }
        return state.build();
    }

    static SessionStatus status(SessionView view) {
        return view.submitted() ? SessionStatus.SESSION_STATUS_SUBMITTED : SessionStatus.SESSION_STATUS_ACTIVE;
    }

    static io.amphi.proto.delivery.v1.LiveView liveView(LiveView.Page page, String nextPageToken) {
        io.amphi.proto.delivery.v1.LiveView.Builder view = io.amphi.proto.delivery.v1.LiveView.newBuilder()
                .setMatching(page.matching())
                .setNextPageToken(nextPageToken)
                .setAt(Protos.timestamp(page.at()))
                .setWaiting(page.waiting());
        for (LiveView.SiteCounts site : page.sites()) {
            view.addSites(SiteCounts.newBuilder()
                    .setSite(site.site() == null ? "" : site.site())
                    .setNotStarted(site.notStarted())
                    .setInExam(site.inExam())
                    .setPaused(site.paused())
                    .setSubmitted(site.submitted())
                    .setDisconnected(site.disconnected()));
        }
        for (LiveView.Candidate candidate : page.candidates()) {
            LiveCandidate.Builder row = LiveCandidate.newBuilder()
                    .setCandidateId(candidate.candidateId())
                    .setSite(candidate.site() == null ? "" : candidate.site())
                    .setState(
                            switch (candidate.state()) {
                                case NOT_STARTED -> CandidateState.CANDIDATE_STATE_NOT_STARTED;
                                case WAITING -> CandidateState.CANDIDATE_STATE_WAITING;
                                case IN_EXAM -> CandidateState.CANDIDATE_STATE_IN_EXAM;
                                case PAUSED -> CandidateState.CANDIDATE_STATE_PAUSED;
                                case SUBMITTED -> CandidateState.CANDIDATE_STATE_SUBMITTED;
                            })
                    .setAnswered(candidate.answered())
                    .setDisconnected(candidate.disconnected())
                    .setUndecidedJournals(candidate.undecidedJournals())
                    .setPlaceInLine(candidate.placeInLine());
            setIfPresent(candidate.startedAt(), row::setStartedAt);
            setIfPresent(candidate.deadline(), row::setDeadline);
            setIfPresent(candidate.lastSaveAt(), row::setLastSaveAt);
            setIfPresent(candidate.pausedAt(), row::setPausedAt);
            setIfPresent(candidate.submittedAt(), row::setSubmittedAt);
            setIfPresent(candidate.lastSeenAt(), row::setLastSeenAt);
            view.addCandidates(row);
        }
        return view.build();
    }

    static io.amphi.proto.delivery.v1.OfflineJournal journal(Results.OfflineJournal journal) {
        io.amphi.proto.delivery.v1.OfflineJournal.Builder message =
                io.amphi.proto.delivery.v1.OfflineJournal.newBuilder()
                        .setSessionId(journal.sessionId())
                        .setUploadId(journal.uploadId())
                        .setDecision(
                                switch (journal.decision()) {
                                    case UNDECIDED -> JournalDecision.JOURNAL_DECISION_UNDECIDED;
                                    case ACCEPTED -> JournalDecision.JOURNAL_DECISION_ACCEPTED;
                                    case REJECTED -> JournalDecision.JOURNAL_DECISION_REJECTED;
                                })
                        .setUploadedBy(journal.uploadedBy())
                        .setUploadedAt(Protos.timestamp(journal.uploadedAt()))
                        .setDeadline(Protos.timestamp(journal.deadline()))
                        .setDecidedBy(journal.decidedBy() == null ? "" : journal.decidedBy())
                        .setChanged(journal.changed());
        setIfPresent(journal.decidedAt(), message::setDecidedAt);
        Set<Long> counting = new HashSet<>();
        journal.applicable().forEach(entry -> counting.add(entry.saveNumber()));
        for (Events.OfflineAnswer entry : journal.entries()) {
            message.addEntries(OfflineEntry.newBuilder()
                    .setQuestionId(entry.questionId())
                    .setSaveNumber(entry.saveNumber())
                    .setAnswer(answer(entry.answer()))
                    .setRecordedAt(Protos.timestamp(entry.recordedAt()))
                    .setCounts(counting.contains(entry.saveNumber()))
                    .setAfterDeadline(entry.recordedAt().isAfter(journal.deadline())));
        }
        return message.build();
    }

    private static void setIfPresent(
            java.time.Instant instant, java.util.function.Consumer<com.google.protobuf.Timestamp> setter) {
        if (instant != null) {
            setter.accept(Protos.timestamp(instant));
        }
    }

    static SaveOutcome outcome(Results.SaveOutcome outcome) {
        return switch (outcome) {
            case APPLIED -> SaveOutcome.SAVE_OUTCOME_APPLIED;
            case DUPLICATE -> SaveOutcome.SAVE_OUTCOME_DUPLICATE;
            case SUPERSEDED -> SaveOutcome.SAVE_OUTCOME_SUPERSEDED;
        };
    }

    static io.amphi.proto.delivery.v1.ExamContent content(ExamContent content) {
        var builder = io.amphi.proto.delivery.v1.ExamContent.newBuilder()
                .setExamId(content.examId())
                .setVersion(content.version())
                .setTitle(content.title())
                .setDuration(Protos.duration(content.duration()));
        content.questions().forEach(q -> builder.addQuestions(question(q)));
        return builder.build();
    }

    private static io.amphi.proto.delivery.v1.Question question(Question question) {
        var builder = io.amphi.proto.delivery.v1.Question.newBuilder().setId(question.id());
        switch (question) {
            case SingleBestAnswer q -> builder.setSingleBestAnswer(choice(q.stem(), q.options()));
            case MultipleResponse q -> builder.setMultipleResponse(choice(q.stem(), q.options()));
            case ShortText q ->
                builder.setShortText(
                        ShortTextQuestion.newBuilder().setStem(q.stem()).setMaxLength(q.maxLength()));
            case ScriptConcordance q ->
                builder.setScriptConcordance(ScriptConcordanceItem.newBuilder()
                        .setVignette(q.vignette() == null ? "" : q.vignette())
                        .setHypothesis(q.hypothesis())
                        .setNewInformation(q.newInformation())
                        .addAllScaleLabels(ScriptConcordance.SCALE_LABELS));
            case KeyFeaturesCase c -> {
                Builder kfc =
                        io.amphi.proto.delivery.v1.KeyFeaturesCase.newBuilder().setVignette(c.vignette());
                for (AnswerableQuestion sub : c.questions()) {
                    kfc.addQuestions(question(sub));
                }
                builder.setKeyFeaturesCase(kfc);
            }
        }
        return builder.build();
    }

    private static ChoiceQuestion choice(String stem, List<ChoiceOption> options) {
        var builder = ChoiceQuestion.newBuilder().setStem(stem);
        options.forEach(o -> builder.addOptions(io.amphi.proto.delivery.v1.ChoiceOption.newBuilder()
                .setId(o.id())
                .setText(o.text())));
        return builder.build();
    }
}
