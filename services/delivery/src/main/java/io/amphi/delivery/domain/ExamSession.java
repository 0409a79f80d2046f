package io.amphi.delivery.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.amphi.delivery.api.Commands.DecideOfflineAnswers;
import io.amphi.delivery.api.Commands.DescribeOfflineJournals;
import io.amphi.delivery.api.Commands.DescribeSession;
import io.amphi.delivery.api.Commands.ExtendTime;
import io.amphi.delivery.api.Commands.FlagQuestion;
import io.amphi.delivery.api.Commands.PauseSession;
import io.amphi.delivery.api.Commands.SaveAnswer;
import io.amphi.delivery.api.Commands.StartSession;
import io.amphi.delivery.api.Commands.SubmitOnDeadline;
import io.amphi.delivery.api.Commands.SubmitSession;
import io.amphi.delivery.api.Commands.UnpauseSession;
import io.amphi.delivery.api.Commands.UploadOfflineAnswers;
import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.OfflineAnswer;
import io.amphi.delivery.api.Events.OfflineAnswersAccepted;
import io.amphi.delivery.api.Events.OfflineAnswersRejected;
import io.amphi.delivery.api.Events.OfflineAnswersUploaded;
import io.amphi.delivery.api.Events.QuestionFlagged;
import io.amphi.delivery.api.Events.QuestionUnflagged;
import io.amphi.delivery.api.Events.SessionPaused;
import io.amphi.delivery.api.Events.SessionStarted;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.Events.SessionUnpaused;
import io.amphi.delivery.api.Events.TimeExtended;
import io.amphi.delivery.api.Results.FlagResult;
import io.amphi.delivery.api.Results.JournalDecision;
import io.amphi.delivery.api.Results.OfflineJournal;
import io.amphi.delivery.api.Results.PauseResult;
import io.amphi.delivery.api.Results.SaveOutcome;
import io.amphi.delivery.api.Results.SaveResult;
import io.amphi.delivery.api.Results.StartResult;
import io.amphi.delivery.api.SessionIds;
import io.amphi.delivery.api.SessionView;
import io.amphi.delivery.api.SubmissionCause;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One candidate's sitting of one exam. Command handlers check the rules and apply events; the
 * event-sourcing handlers only record state. The deadline is the server's: start + duration +
 * the candidate's extra time + any extension + the time it was paused. While a proctor has it
 * paused, its clock stands still: no answer or flag is taken, and it is never submitted on time.
 * Once it has ended, a proctor may upload the journal the candidate's page kept offline; those
 * answers count only after a proctor accepts the upload, and are recorded apart from on-time saves.
 */
@Aggregate(
        snapshotTriggerDefinition = "examSessionSnapshotTrigger",
        cache = "examSessionCache",
        commandTargetResolver = "commandTargetResolver")
@Revision(ExamSession.SNAPSHOT_REVISION)
public class ExamSession {

    /**
     * The shape of this class's fields (and its answer sheet's) in stored snapshots. Changing a
     * field changes the shape: raise it. Axon passes over a snapshot of another revision (one the
     * release before wrote during a rolling upgrade), and the session replays its events instead.
     */
    public static final String SNAPSHOT_REVISION = "2";

    /**
     * Saves arriving up to this long after the deadline are still stored: they were in flight when
     * time ran out. Automatic submission waits for it to pass.
     */
    public static final Duration SAVE_GRACE = Duration.ofSeconds(10);

    /** The largest extension one grant may give. */
    public static final Duration LONGEST_EXTENSION = Duration.ofHours(24);
    /** How far from the deadline a deadline a client shows may be: views round it. */
    private static final Duration DEADLINE_AS_SHOWN = Duration.ofMillis(1);

    /** The most entries one offline journal may hold: far more saves than a candidate makes in a day. */
    public static final int MAX_JOURNAL_ENTRIES = 10_000;

    /** The most offline journals one session may have uploaded: one device, a few copies of its file at most. */
    public static final int MAX_JOURNALS = 20;

    /** An uploaded offline journal and what was decided about it. */
    private record Upload(
            String uploadId,
            List<OfflineAnswer> entries,
            String uploadedBy,
            Instant uploadedAt,
            JournalDecision decision,
            List<OfflineAnswer> applied,
            String decidedBy,
            Instant decidedAt) {}

    @AggregateIdentifier
    private String sessionId;

    private String examId;
    private int contentVersion;
    private String candidateId;
    private Instant startedAt;
    private Instant deadline;
    private final AnswerSheet answerSheet = new AnswerSheet();
    private final Set<String> flagged = new LinkedHashSet<>();
    private Instant submittedAt;
    private SubmissionCause submissionCause;
    private Instant pausedAt;
    private final Map<String, Upload> uploads = new LinkedHashMap<>();

    protected ExamSession() {}

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public StartResult handle(StartSession command, ExamCatalog catalog, Clock clock) {
        Instant now = clock.instant();
        if (sessionId != null) {
            return new StartResult(describe(now), true);
        }
        if (!SessionIds.of(command.examId(), command.candidateId()).equals(command.sessionId())) {
            throw DomainException.invalid(
                    "INVALID_SESSION_ID",
                    "Session id '%s' does not belong to exam %s and candidate %s."
                            .formatted(command.sessionId(), command.examId(), command.candidateId()));
        }
        ExamContent content = catalog.latestContent(command.examId())
                .orElseThrow(() -> DomainException.notFound(
                        "UNKNOWN_EXAM", "No exam '%s' is published.".formatted(command.examId())));
        Enrolment enrolment = catalog.enrolment(command.examId(), command.candidateId())
                .orElseThrow(() -> DomainException.forbidden(
                        "NOT_ENROLLED",
                        "Candidate %s is not enrolled in exam %s.".formatted(command.candidateId(), command.examId())));
        ExamSchedule schedule = catalog.schedule(command.examId())
                .orElseThrow(() -> DomainException.precondition(
                        "NOT_SCHEDULED", "Exam %s has no opening window yet.".formatted(command.examId())));
        if (now.isBefore(schedule.opensAt())) {
            throw DomainException.precondition(
                    "NOT_OPEN_YET",
                    "Exam %s opens at %s; it is %s.".formatted(command.examId(), schedule.opensAt(), now));
        }
        if (now.isAfter(schedule.closesAt())) {
            throw DomainException.precondition(
                    "CLOSED",
                    "Exam %s could be started until %s; it is %s."
                            .formatted(command.examId(), schedule.closesAt(), now));
        }
        if (catalog.isSealed(command.examId())) {
            throw DomainException.precondition(
                    "SEALED", "Exam %s is closed and sealed: no session can start.".formatted(command.examId()));
        }
        Instant sessionDeadline = now.plus(content.duration()).plus(enrolment.extraTime());
        apply(new SessionStarted(
                command.sessionId(),
                command.examId(),
                content.version(),
                command.candidateId(),
                now,
                enrolment.extraTime(),
                sessionDeadline));
        return new StartResult(describe(now), false);
    }

    @CommandHandler
    public SaveResult handle(SaveAnswer command, ExamCatalog catalog, Clock clock) {
        Instant now = clock.instant();
        requireOpenForAnswers(now, "save an answer");
        answerSheet.requireUsableNumber(command.questionId(), command.saveNumber());
        if (command.answer() == null) {
            throw DomainException.invalidAnswer(
                    command.questionId(),
                    "Save " + command.saveNumber() + " has no answer (send a cleared answer to withdraw one).");
        }
        content(catalog).requireAnswerable(command.questionId()).check(command.answer());

        Optional<SaveOutcome> settled = answerSheet.settledOutcome(command.questionId(), command.saveNumber());
        if (settled.isPresent()) {
            return new SaveResult(command.saveNumber(), settled.get(), remainingAt(now));
        }
        apply(new AnswerSaved(sessionId, command.questionId(), command.saveNumber(), command.answer(), now));
        return new SaveResult(command.saveNumber(), SaveOutcome.APPLIED, remainingAt(now));
    }

    @CommandHandler
    public FlagResult handle(FlagQuestion command, ExamCatalog catalog, Clock clock) {
        Instant now = clock.instant();
        requireOpenForAnswers(now, command.flagged() ? "flag a question" : "remove a flag");
        content(catalog).requireAnswerable(command.questionId());
        if (flagged.contains(command.questionId()) == command.flagged()) {
            return new FlagResult(command.flagged(), false);
        }
        apply(
                command.flagged()
                        ? new QuestionFlagged(sessionId, command.questionId(), now)
                        : new QuestionUnflagged(sessionId, command.questionId(), now));
        return new FlagResult(command.flagged(), true);
    }

    @CommandHandler
    public SessionView handle(ExtendTime command, Clock clock) {
        Instant now = clock.instant();
        requireNotEnded(now, "extend the time");
        Duration extension = command.extension();
        if (extension == null
                || extension.isNegative()
                || extension.isZero()
                || extension.compareTo(LONGEST_EXTENSION) > 0) {
            throw DomainException.invalid(
                    "INVALID_EXTENSION", "An extension must be positive and at most 24 hours; got " + extension + ".");
        }
        if (command.expectedDeadline() != null && !isDeadlineSeenAs(command.expectedDeadline())) {
            throw DomainException.precondition(
                    "DEADLINE_CHANGED",
                    ("The deadline is now %s, not %s as you saw it: it moved meanwhile (time was granted, perhaps by "
                                    + "this very request, or a pause ended). Look at the session again before granting more.")
                            .formatted(deadline, command.expectedDeadline()));
        }
        apply(new TimeExtended(
                sessionId,
                extension,
                requireReason(command.reason(), "the time is extended"),
                command.proctorId(),
                now,
                deadline.plus(extension)));
        return describe(now);
    }

    /**
     * Within a millisecond: views show the deadline rounded (the live view's database keeps
     * microseconds, browsers milliseconds), and a deadline only moves by grants and pauses.
     */
    private boolean isDeadlineSeenAs(Instant seen) {
        return Duration.between(seen, deadline).abs().compareTo(DEADLINE_AS_SHOWN) < 0;
    }

    @CommandHandler
    public PauseResult handle(PauseSession command, Clock clock) {
        Instant now = clock.instant();
        String reason = requireReason(command.reason(), "the session is paused");
        if (pausedAt != null) {
            return new PauseResult(describe(now), false);
        }
        requireNotEnded(now, "pause the session");
        apply(new SessionPaused(sessionId, reason, command.proctorId(), now));
        return new PauseResult(describe(now), true);
    }

    @CommandHandler
    public PauseResult handle(UnpauseSession command, Clock clock) {
        Instant now = clock.instant();
        String reason = requireReason(command.reason(), "the session goes on");
        if (pausedAt == null || submittedAt != null) {
            return new PauseResult(describe(now), false);
        }
        Duration pausedFor = Duration.between(pausedAt, now);
        apply(new SessionUnpaused(sessionId, reason, command.proctorId(), now, pausedFor, deadline.plus(pausedFor)));
        return new PauseResult(describe(now), true);
    }

    /** Past the deadline and its grace, a submission counts as made at the deadline, by the deadline. */
    @CommandHandler
    public SessionView handle(SubmitSession command, Clock clock) {
        Instant now = clock.instant();
        if (submittedAt == null) {
            if (clockTime(now).isAfter(deadline.plus(SAVE_GRACE))) {
                apply(new SessionSubmitted(sessionId, SubmissionCause.DEADLINE, deadline, now));
            } else {
                apply(new SessionSubmitted(sessionId, SubmissionCause.CANDIDATE, now, now));
            }
        }
        return describe(now);
    }

    /**
     * Records an uploaded offline journal, which counts for nothing yet. Only once the session was
     * handed in at its deadline (until then the page sends its answers itself; a candidate who
     * handed in had sent them all) and before the exam is sealed; the same file twice is one upload.
     */
    @CommandHandler
    public OfflineJournal handle(UploadOfflineAnswers command, ExamCatalog catalog, Clock clock) {
        Instant now = clock.instant();
        Upload known = uploads.get(command.uploadId());
        if (known != null) {
            return journal(known, false);
        }
        if (submittedAt == null) {
            throw DomainException.precondition(
                    "SESSION_RUNNING",
                    ("Session %s is not handed in yet (its time ends at %s, "
                                    + "and it is handed in %d s later): until then the candidate's page sends its answers itself. Upload "
                                    + "its offline journal after that.")
                            .formatted(sessionId, deadline, SAVE_GRACE.toSeconds()));
        }
        if (submissionCause != SubmissionCause.DEADLINE) {
            throw DomainException.precondition(
                    "HANDED_IN_BY_CANDIDATE",
                    ("The candidate handed in session %s at %s, with "
                                    + "every answer sent: an offline journal is for a page that lost the network when the time ran out.")
                            .formatted(sessionId, submittedAt));
        }
        if (uploads.size() >= MAX_JOURNALS) {
            throw DomainException.precondition(
                    "TOO_MANY_JOURNALS",
                    "Session %s already has %d offline journals uploaded.".formatted(sessionId, uploads.size()));
        }
        requireNotSealed(catalog, "upload an offline journal");
        if (command.entries().isEmpty()) {
            throw DomainException.invalid("EMPTY_JOURNAL", "The journal holds no answer: there is nothing to upload.");
        }
        if (command.entries().size() > MAX_JOURNAL_ENTRIES) {
            throw DomainException.invalid(
                    "JOURNAL_TOO_LONG",
                    "The journal holds %d entries; at most %d are taken."
                            .formatted(command.entries().size(), MAX_JOURNAL_ENTRIES));
        }
        ExamContent content = content(catalog);
        Set<Long> numbers = new HashSet<>();
        for (OfflineAnswer entry : command.entries()) {
            AnswerSheet.requireJournalNumber(entry);
            if (!numbers.add(entry.saveNumber())) {
                throw DomainException.invalidAnswer(
                        entry.questionId(),
                        "The journal numbers two entries %d: it is not one a page wrote."
                                .formatted(entry.saveNumber()));
            }
            content.requireAnswerable(entry.questionId()).check(entry.answer());
        }
        List<OfflineAnswer> entries = command.entries().stream()
                .sorted(Comparator.comparingLong(OfflineAnswer::saveNumber))
                .toList();
        apply(new OfflineAnswersUploaded(sessionId, command.uploadId(), entries, command.proctorId(), now));
        return journal(uploads.get(command.uploadId()), true);
    }

    /** Accepts or rejects an uploaded journal; a decision is final, and repeating it changes nothing. */
    @CommandHandler
    public OfflineJournal handle(DecideOfflineAnswers command, ExamCatalog catalog, Clock clock) {
        Instant now = clock.instant();
        String reason = requireReason(
                command.reason(),
                command.accept() ? "the offline answers are accepted" : "the offline answers are rejected");
        Upload upload = uploads.get(command.uploadId());
        if (upload == null) {
            throw DomainException.notFound(
                    "UNKNOWN_UPLOAD",
                    "Session %s has no offline journal %s: upload the file first."
                            .formatted(sessionId, Inputs.quote(command.uploadId())));
        }
        JournalDecision wanted = command.accept() ? JournalDecision.ACCEPTED : JournalDecision.REJECTED;
        if (upload.decision() == wanted) {
            return journal(upload, false);
        }
        if (upload.decision() != JournalDecision.UNDECIDED) {
            throw DomainException.precondition(
                    "ALREADY_DECIDED",
                    "Proctor %s %s this journal at %s; a decision is final."
                            .formatted(
                                    upload.decidedBy(),
                                    upload.decision().name().toLowerCase(Locale.ROOT),
                                    upload.decidedAt()));
        }
        requireNotSealed(catalog, "decide about an offline journal");
        if (command.accept()) {
            apply(new OfflineAnswersAccepted(
                    sessionId,
                    upload.uploadId(),
                    answerSheet.applicable(upload.entries()),
                    reason,
                    command.proctorId(),
                    now));
        } else {
            apply(new OfflineAnswersRejected(sessionId, upload.uploadId(), reason, command.proctorId(), now));
        }
        return journal(uploads.get(command.uploadId()), true);
    }

    @CommandHandler
    public List<OfflineJournal> handle(DescribeOfflineJournals command) {
        return uploads.values().stream().map(upload -> journal(upload, false)).toList();
    }

    private OfflineJournal journal(Upload upload, boolean changed) {
        List<OfflineAnswer> counting = switch (upload.decision()) {
            case UNDECIDED -> answerSheet.applicable(upload.entries());
            case ACCEPTED -> upload.applied();
            case REJECTED -> List.of();
        };
        return new OfflineJournal(
                sessionId,
                upload.uploadId(),
                upload.entries(),
                counting,
                upload.decision(),
                upload.uploadedBy(),
                upload.uploadedAt(),
                upload.decidedBy(),
                upload.decidedAt(),
                deadline,
                changed);
    }

    private void requireNotSealed(ExamCatalog catalog, String action) {
        if (catalog.isSealedHoldingSealingBack(examId)) {
            throw DomainException.precondition(
                    "SEALED", "Cannot %s: exam %s is sealed and its log fixed.".formatted(action, examId));
        }
    }

    /** Recorded as handed in at the deadline, however late the server gets to it (it may have been down). */
    @CommandHandler
    public boolean handle(SubmitOnDeadline command, Clock clock) {
        Instant now = clock.instant();
        if (submittedAt != null || pausedAt != null || !now.isAfter(deadline.plus(SAVE_GRACE))) {
            return false;
        }
        apply(new SessionSubmitted(sessionId, SubmissionCause.DEADLINE, deadline, now));
        return true;
    }

    @CommandHandler
    public SessionView handle(DescribeSession command, Clock clock) {
        return describe(clock.instant());
    }

    private void requireOpenForAnswers(Instant now, String action) {
        requireNotEnded(now, action);
        if (pausedAt != null) {
            throw DomainException.precondition(
                    "PAUSED",
                    ("Cannot %s: a proctor paused session %s at %s. Its time stands "
                                    + "still; keep the answer and send it again once the exam goes on.")
                            .formatted(action, sessionId, pausedAt));
        }
    }

    /** Refuses once the session is submitted or its time (which stands still while paused) ran out. */
    private void requireNotEnded(Instant now, String action) {
        if (submittedAt != null) {
            throw DomainException.precondition(
                    "SUBMITTED",
                    "Cannot %s: session %s was submitted at %s.".formatted(action, sessionId, submittedAt));
        }
        if (clockTime(now).isAfter(deadline.plus(SAVE_GRACE))) {
            throw DomainException.precondition(
                    "DEADLINE_PASSED",
                    "Cannot %s: the time of session %s ran out at %s.".formatted(action, sessionId, deadline));
        }
    }

    private static String requireReason(String reason, String what) {
        if (reason == null || reason.isBlank()) {
            throw DomainException.invalid(
                    "MISSING_REASON", "Say why %s: the reason is kept in the log.".formatted(what));
        }
        if (reason.length() > Inputs.MAX_REASON) {
            throw DomainException.invalid(
                    "TOO_LONG",
                    "The reason is %d characters long; at most %d are kept in the log."
                            .formatted(reason.length(), Inputs.MAX_REASON));
        }
        return reason.strip();
    }

    private ExamContent content(ExamCatalog catalog) {
        return catalog.content(examId, contentVersion)
                .orElseThrow(() -> new IllegalStateException(
                        "Content version %d of exam %s is missing from the catalog".formatted(contentVersion, examId)));
    }

    /** The session's clock: it stands still while paused. */
    private Instant clockTime(Instant now) {
        return pausedAt != null ? pausedAt : now;
    }

    private Duration remainingAt(Instant now) {
        Instant clockTime = clockTime(now);
        if (submittedAt != null || !clockTime.isBefore(deadline)) {
            return Duration.ZERO;
        }
        return Duration.between(clockTime, deadline);
    }

    /** The session as its candidate should see it at {@code now}. */
    public SessionView describe(Instant now) {
        return new SessionView(
                sessionId,
                examId,
                contentVersion,
                candidateId,
                startedAt,
                deadline,
                remainingAt(now),
                now,
                answerSheet.answers(),
                new ArrayList<>(flagged),
                answerSheet.highestSaveNumber(),
                submittedAt,
                submissionCause,
                pausedAt);
    }

    @EventSourcingHandler
    void on(SessionStarted event) {
        sessionId = event.sessionId();
        examId = event.examId();
        contentVersion = event.contentVersion();
        candidateId = event.candidateId();
        startedAt = event.startedAt();
        deadline = event.deadline();
    }

    @EventSourcingHandler
    void on(AnswerSaved event) {
        answerSheet.store(event.questionId(), event.saveNumber(), event.answer(), event.savedAt());
    }

    @EventSourcingHandler
    void on(QuestionFlagged event) {
        flagged.add(event.questionId());
    }

    @EventSourcingHandler
    void on(QuestionUnflagged event) {
        flagged.remove(event.questionId());
    }

    @EventSourcingHandler
    void on(TimeExtended event) {
        deadline = event.newDeadline();
    }

    @EventSourcingHandler
    void on(SessionPaused event) {
        pausedAt = event.pausedAt();
    }

    @EventSourcingHandler
    void on(SessionUnpaused event) {
        pausedAt = null;
        deadline = event.newDeadline();
    }

    @EventSourcingHandler
    void on(OfflineAnswersUploaded event) {
        uploads.put(
                event.uploadId(),
                new Upload(
                        event.uploadId(),
                        event.entries(),
                        event.proctorId(),
                        event.uploadedAt(),
                        JournalDecision.UNDECIDED,
                        List.of(),
                        null,
                        null));
    }

    @EventSourcingHandler
    void on(OfflineAnswersAccepted event) {
        Upload upload = uploads.get(event.uploadId());
        uploads.put(
                event.uploadId(),
                new Upload(
                        upload.uploadId(),
                        upload.entries(),
                        upload.uploadedBy(),
                        upload.uploadedAt(),
                        JournalDecision.ACCEPTED,
                        event.applied(),
                        event.proctorId(),
                        event.acceptedAt()));
        event.applied()
                .forEach(answer -> answerSheet.store(
                        answer.questionId(), answer.saveNumber(), answer.answer(), event.acceptedAt()));
    }

    @EventSourcingHandler
    void on(OfflineAnswersRejected event) {
        Upload upload = uploads.get(event.uploadId());
        uploads.put(
                event.uploadId(),
                new Upload(
                        upload.uploadId(),
                        upload.entries(),
                        upload.uploadedBy(),
                        upload.uploadedAt(),
                        JournalDecision.REJECTED,
                        List.of(),
                        event.proctorId(),
                        event.rejectedAt()));
    }

    @EventSourcingHandler
    void on(SessionSubmitted event) {
        submittedAt = event.submittedAt();
        submissionCause = event.cause();
    }
}
