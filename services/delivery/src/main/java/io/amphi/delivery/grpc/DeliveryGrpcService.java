package io.amphi.delivery.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.amphi.delivery.admission.ExamDoor;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Commands;
import io.amphi.delivery.api.Results;
import io.amphi.delivery.api.Results.FlagResult;
import io.amphi.delivery.api.Results.SaveResult;
import io.amphi.delivery.api.Results.SealResult;
import io.amphi.delivery.api.Results.StartResult;
import io.amphi.delivery.api.SessionIds;
import io.amphi.delivery.api.SessionView;
import io.amphi.delivery.catalog.ContentAnnouncements;
import io.amphi.delivery.catalog.ExamCatalogStore;
import io.amphi.delivery.domain.AnswerSheet;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.delivery.domain.ExamSession;
import io.amphi.delivery.lease.SessionLeases;
import io.amphi.delivery.offline.OfflineJournalFile;
import io.amphi.delivery.offline.OfflineJournalKeys;
import io.amphi.delivery.proctoring.LiveView;
import io.amphi.delivery.proctoring.SessionPauses;
import io.amphi.delivery.seal.ExamSealing;
import io.amphi.delivery.seal.SubmissionReceipts;
import io.amphi.platform.cluster.Admission;
import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import io.amphi.platform.grpc.CallArrival;
import io.amphi.platform.grpc.Caller;
import io.amphi.platform.grpc.Pages;
import io.amphi.platform.grpc.Protos;
import io.amphi.proto.delivery.v1.CandidateEnrolment;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DecideOfflineJournalRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.EnrolCandidatesRequest;
import io.amphi.proto.delivery.v1.EnrolCandidatesResponse;
import io.amphi.proto.delivery.v1.ExamContent;
import io.amphi.proto.delivery.v1.ExamSeal;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.proto.delivery.v1.FlagQuestionRequest;
import io.amphi.proto.delivery.v1.FlagQuestionResponse;
import io.amphi.proto.delivery.v1.GetExamContentRequest;
import io.amphi.proto.delivery.v1.GetLiveViewRequest;
import io.amphi.proto.delivery.v1.HoldSessionRequest;
import io.amphi.proto.delivery.v1.InclusionProof;
import io.amphi.proto.delivery.v1.ListOfflineJournalsRequest;
import io.amphi.proto.delivery.v1.OfflineJournal;
import io.amphi.proto.delivery.v1.OfflineJournals;
import io.amphi.proto.delivery.v1.PauseSessionsRequest;
import io.amphi.proto.delivery.v1.PauseSessionsResponse;
import io.amphi.proto.delivery.v1.ProveSubmissionRequest;
import io.amphi.proto.delivery.v1.PublishExamContentRequest;
import io.amphi.proto.delivery.v1.PublishedExamContent;
import io.amphi.proto.delivery.v1.QueueTicket;
import io.amphi.proto.delivery.v1.ReceiptKey;
import io.amphi.proto.delivery.v1.ReceiptKeys;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveAnswerResponse;
import io.amphi.proto.delivery.v1.ScheduleExamRequest;
import io.amphi.proto.delivery.v1.ScheduleExamResponse;
import io.amphi.proto.delivery.v1.SessionLease;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionResponse;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.amphi.proto.delivery.v1.UploadOfflineJournalRequest;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.axonframework.modelling.command.AggregateNotFoundException;

/**
 * The candidate's and proctor's door to exam sessions. It checks who is calling and what they may
 * touch, turns requests into commands, and leaves every rule about answers and time to the session.
 */
public class DeliveryGrpcService extends DeliveryServiceGrpc.DeliveryServiceImplBase {

    private record ContentKey(String examId, int version) {}

    /** The scope a university's account needs to close its exams. */
    static final String EXAMS_WRITE = "exams:write";

    private final CommandGateway commands;
    private final ExamCatalogStore catalog;
    private final ContentAnnouncements announcements;
    private final Cache sessionCache;
    private final RateLimiter saveRateLimiter;
    private final ExamDoor door;
    private final ExamSealing sealing;
    private final SubmissionReceipts receipts;
    private final SessionPauses pauses;
    private final SessionLeases leases;
    private final LiveView liveView;
    private final OfflineJournalKeys journalKeys;
    private final Clock clock;
    private final Map<ContentKey, ExamContent> contentMessages = new ConcurrentHashMap<>();

    /**
     * @param sessionCache the aggregate cache, from which StartSession and ResumeSession evict the
     *                     session first: a client continues numbering its saves from what they
     *                     return, so it must be the stored state, even if another replica changed
     *                     the session since this one cached it
     * @param saveRateLimiter  each session's allowance of saves, shared by all replicas
     * @param door             each exam's waiting room, which StartSession goes through
     * @param sealing          closes exams and seals their logs
     * @param journalKeys      each session's offline journal key, given to its candidate and used to
     *                         open the journal a proctor uploads
     */
    public DeliveryGrpcService(
            CommandGateway commands,
            ExamCatalogStore catalog,
            ContentAnnouncements announcements,
            Cache sessionCache,
            RateLimiter saveRateLimiter,
            ExamDoor door,
            ExamSealing sealing,
            SubmissionReceipts receipts,
            SessionPauses pauses,
            SessionLeases leases,
            LiveView liveView,
            OfflineJournalKeys journalKeys,
            Clock clock) {
        this.commands = commands;
        this.catalog = catalog;
        this.announcements = announcements;
        this.sessionCache = sessionCache;
        this.saveRateLimiter = saveRateLimiter;
        this.door = door;
        this.sealing = sealing;
        this.receipts = receipts;
        this.pauses = pauses;
        this.leases = leases;
        this.liveView = liveView;
        this.journalKeys = journalKeys;
        this.clock = clock;
    }

    @Override
    public void startSession(StartSessionRequest request, StreamObserver<StartSessionResponse> response) {
        Caller candidate = Caller.require(Caller.Role.CANDIDATE);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        requireSignedInFor(candidate, examId);
        String sessionId = SessionIds.of(examId, candidate.id());
        Optional<Admission.Outcome> waiting =
                door.placeInLine(examId, candidate.id(), sessionId, CallArrival.arrivedAtMillis(clock));
        if (waiting.isPresent()) {
            Protos.reply(
                    response,
                    StartSessionResponse.newBuilder()
                            .setQueue(QueueTicket.newBuilder()
                                    .setTicket(waiting.get().ticket())
                                    .setPosition(waiting.get().position())
                                    .setEstimatedWait(
                                            Protos.duration(waiting.get().estimatedWait()))
                                    .setWaitingForRoom(waiting.get().waitingForRoom()))
                            .build());
            return;
        }
        sessionCache.remove(sessionId);
        StartResult result;
        try {
            result = commands.sendAndWait(new Commands.StartSession(sessionId, examId, candidate.id()));
        } catch (DomainException refused) {
            door.leave(examId, candidate.id());
            throw refused;
        }
        Protos.reply(
                response,
                StartSessionResponse.newBuilder()
                        .setSession(withJournalKey(ProtoMapping.session(result.session())))
                        .setAlreadyStarted(result.alreadyStarted())
                        .build());
    }

    @Override
    public void getExamContent(GetExamContentRequest request, StreamObserver<ExamContent> response) {
        String sessionId = ownSession(request.getSessionId());
        SessionView session = send(sessionId, new Commands.DescribeSession(sessionId));
        ContentKey key = new ContentKey(session.examId(), session.contentVersion());
        ExamContent content = contentMessages.computeIfAbsent(
                key,
                k -> ProtoMapping.content(catalog.content(k.examId(), k.version())
                        .orElseThrow(() -> new IllegalStateException(
                                "Content version %d of exam %s is missing".formatted(k.version(), k.examId())))));
        Protos.reply(response, content);
    }

    @Override
    public void saveAnswer(SaveAnswerRequest request, StreamObserver<SaveAnswerResponse> response) {
        String sessionId = ownSession(request.getSessionId());
        String questionId = Inputs.id(request.getQuestionId(), "question_id");
        leases.requireHolder(sessionId, clientId(request.getClientId()));
        long saveNumber = saveNumber(request.getSaveNumber(), questionId);
        if (!request.hasAnswer()) {
            throw DomainException.invalidAnswer(
                    questionId, "Save " + saveNumber + " has no answer (send a cleared answer to withdraw one).");
        }
        Answer answer = ProtoMapping.answer(questionId, request.getAnswer());
        RateLimiter.Decision allowance = saveRateLimiter.tryTake(sessionId);
        if (!allowance.allowed()) {
            throw new RateLimiter.RateLimitExceeded(
                    "SAVE_RATE_EXCEEDED",
                    "Session %s is saving faster than a person answers; save %d was not stored. Send it again in %d ms."
                            .formatted(
                                    sessionId,
                                    saveNumber,
                                    Math.max(1, allowance.retryAfter().toMillis())),
                    allowance.retryAfter());
        }
        SaveResult result = send(sessionId, new Commands.SaveAnswer(sessionId, questionId, saveNumber, answer));
        Protos.reply(
                response,
                SaveAnswerResponse.newBuilder()
                        .setSaveNumber(result.saveNumber())
                        .setOutcome(ProtoMapping.outcome(result.outcome()))
                        .setRemaining(Protos.duration(result.remaining()))
                        .build());
    }

    @Override
    public void flagQuestion(FlagQuestionRequest request, StreamObserver<FlagQuestionResponse> response) {
        String sessionId = ownSession(request.getSessionId());
        String questionId = Inputs.id(request.getQuestionId(), "question_id");
        leases.requireHolder(sessionId, clientId(request.getClientId()));
        FlagResult result = send(sessionId, new Commands.FlagQuestion(sessionId, questionId, request.getFlagged()));
        Protos.reply(
                response,
                FlagQuestionResponse.newBuilder()
                        .setFlagged(result.flagged())
                        .setChanged(result.changed())
                        .build());
    }

    @Override
    public void submitSession(SubmitSessionRequest request, StreamObserver<SessionState> response) {
        String sessionId = ownSession(request.getSessionId());
        leases.requireHolder(sessionId, clientId(request.getClientId()));
        SessionView view = send(sessionId, new Commands.SubmitSession(sessionId));
        Protos.reply(response, withReceipt(view));
    }

    @Override
    public void holdSession(HoldSessionRequest request, StreamObserver<SessionLease> response) {
        String sessionId = ownSession(request.getSessionId());
        String clientId = Inputs.id(request.getClientId(), "client_id");
        SessionLeases.Lease lease = leases.hold(sessionId, clientId);
        SessionView view = send(sessionId, new Commands.DescribeSession(sessionId));
        SessionLease.Builder answer = SessionLease.newBuilder()
                .setExpiresAt(Protos.timestamp(lease.expiresAt()))
                .setRenewAfter(Protos.duration(SessionLeases.RENEW_EVERY))
                .setStatus(ProtoMapping.status(view))
                .setRemaining(Protos.duration(view.remaining()))
                .setDeadline(Protos.timestamp(view.deadline()))
                .setHighestSaveNumber(view.highestSaveNumber());
        if (view.paused()) {
            answer.setPausedAt(Protos.timestamp(view.pausedAt()));
        }
        Protos.reply(response, answer.build());
    }

    @Override
    public void releaseSession(HoldSessionRequest request, StreamObserver<Empty> response) {
        String sessionId = ownSession(request.getSessionId());
        leases.release(sessionId, Inputs.id(request.getClientId(), "client_id"));
        Protos.reply(response, Empty.getDefaultInstance());
    }

    /** A client id, or null when the caller names none. */
    private static String clientId(String clientId) {
        return clientId.isEmpty() ? null : Inputs.id(clientId, "client_id");
    }

    @Override
    public void resumeSession(ResumeSessionRequest request, StreamObserver<SessionState> response) {
        String sessionId = ownSession(request.getSessionId());
        sessionCache.remove(sessionId);
        SessionView view = send(sessionId, new Commands.DescribeSession(sessionId));
        Protos.reply(response, withJournalKey(withReceipt(view)));
    }

    /** What only the session's candidate is given: the key its page authenticates its offline journal with. */
    private SessionState withJournalKey(SessionState state) {
        return state.toBuilder()
                .setOfflineJournalKey(ByteString.copyFrom(journalKeys.sessionKey(state.getSessionId())))
                .build();
    }

    /**
     * A submitted session's state carries its signed receipt, however it was handed in; a session
     * whose log cannot be vouched for (stored before chaining, damaged) is still shown, without one.
     */
    private SessionState withReceipt(SessionView view) {
        SessionState state = ProtoMapping.session(view);
        if (!view.submitted()) {
            return state;
        }
        try {
            return state.toBuilder()
                    .setReceipt(ProtoMapping.receipt(receipts.issue(view.sessionId())))
                    .build();
        } catch (DomainException e) {
            return state;
        }
    }

    @Override
    public void getReceiptKeys(Empty request, StreamObserver<ReceiptKeys> response) {
        ReceiptKeys.Builder keys = ReceiptKeys.newBuilder();
        receipts.keys()
                .forEach(key -> keys.addKeys(ReceiptKey.newBuilder()
                        .setKeyId(key.keyId())
                        .setAlgorithm(key.algorithm())
                        .setPublicKey(ByteString.copyFrom(key.publicKey()))
                        .setCreatedAt(Protos.timestamp(key.createdAt()))));
        Protos.reply(response, keys.build());
    }

    @Override
    public void proveSubmission(ProveSubmissionRequest request, StreamObserver<InclusionProof> response) {
        String sessionId = request.getSessionId();
        String examId = SessionIds.examOf(sessionId);
        Caller caller = Caller.current();
        switch (caller.role()) {
            case CANDIDATE -> ownSession(sessionId);
            case AUDITOR, UNIVERSITY -> caller.requireExam(examId);
            default ->
                throw DomainException.forbidden(
                        "WRONG_ROLE",
                        "Only the session's candidate, an auditor or the "
                                + "exam's university may ask for a proof of inclusion.");
        }
        Protos.reply(response, ProtoMapping.proof(receipts.prove(examId, sessionId)));
    }

    @Override
    public void extendTime(ExtendTimeRequest request, StreamObserver<SessionState> response) {
        Caller proctor = Caller.require(Caller.Role.PROCTOR);
        String sessionId = enrolledSession(proctor, request.getSessionId());
        if (!request.hasExtension()) {
            throw DomainException.invalid("INVALID_EXTENSION", "Say how much time to add: extension is missing.");
        }
        String reason = Inputs.text(request.getReason(), "reason", Inputs.MAX_REASON);
        Instant expectedDeadline = request.hasExpectedDeadline()
                ? Protos.instant(request.getExpectedDeadline(), "expected_deadline")
                : null;
        SessionView view = send(
                sessionId,
                new Commands.ExtendTime(
                        sessionId, Protos.duration(request.getExtension()), reason, proctor.id(), expectedDeadline));
        Protos.reply(response, ProtoMapping.session(view));
    }

    @Override
    public void uploadOfflineJournal(UploadOfflineJournalRequest request, StreamObserver<OfflineJournal> response) {
        Caller proctor = Caller.require(Caller.Role.PROCTOR);
        String sessionId = enrolledSession(proctor, request.getSessionId());
        byte[] file = request.getJournalFile().toByteArray();
        if (file.length == 0) {
            throw DomainException.invalid("JOURNAL_UNREADABLE", "Send the journal file: journal_file is empty.");
        }
        if (file.length > OfflineJournalFile.MAX_BYTES) {
            throw DomainException.invalid(
                    "JOURNAL_UNREADABLE",
                    "The journal file is %d bytes; at most %d are taken."
                            .formatted(file.length, OfflineJournalFile.MAX_BYTES));
        }
        OfflineJournalFile.Opened journal = OfflineJournalFile.open(file, sessionId, journalKeys.sessionKey(sessionId));
        Protos.reply(
                response,
                ProtoMapping.journal(send(
                        sessionId,
                        new Commands.UploadOfflineAnswers(
                                sessionId, journal.uploadId(), journal.entries(), proctor.id()))));
    }

    @Override
    public void listOfflineJournals(ListOfflineJournalsRequest request, StreamObserver<OfflineJournals> response) {
        String sessionId = enrolledSession(Caller.require(Caller.Role.PROCTOR), request.getSessionId());
        List<Results.OfflineJournal> journals = send(sessionId, new Commands.DescribeOfflineJournals(sessionId));
        Protos.reply(
                response,
                OfflineJournals.newBuilder()
                        .addAllJournals(
                                journals.stream().map(ProtoMapping::journal).toList())
                        .build());
    }

    @Override
    public void decideOfflineJournal(DecideOfflineJournalRequest request, StreamObserver<OfflineJournal> response) {
        Caller proctor = Caller.require(Caller.Role.PROCTOR);
        String sessionId = enrolledSession(proctor, request.getSessionId());
        String uploadId = request.getUploadId();
        if (!uploadId.matches("[0-9a-f]{64}")) {
            throw DomainException.invalid(
                    "INVALID_UPLOAD_ID",
                    "upload_id %s is not one UploadOfflineJournal gave ".formatted(Inputs.quote(uploadId))
                            + "(64 lowercase hexadecimal digits).");
        }
        String reason = Inputs.text(request.getReason(), "reason", Inputs.MAX_REASON);
        Protos.reply(
                response,
                ProtoMapping.journal(send(
                        sessionId,
                        new Commands.DecideOfflineAnswers(
                                sessionId, uploadId, request.getAccept(), reason, proctor.id()))));
    }

    /** A session of an exam the proctor works on, whose candidate is enrolled in it, at a site the proctor watches. */
    private String enrolledSession(Caller proctor, String sessionId) {
        String examId = SessionIds.examOf(sessionId);
        proctor.requireExam(examId);
        Enrolment enrolment = catalog.enrolment(examId, SessionIds.candidateOf(sessionId))
                .orElseThrow(() -> DomainException.notFound(
                        "UNKNOWN_SESSION",
                        "Exam %s has no candidate %s."
                                .formatted(examId, Inputs.quote(SessionIds.candidateOf(sessionId)))));
        proctor.requireSite(enrolment.site());
        return sessionId;
    }

    /** The most candidates one EnrolCandidates call takes, as IssueCandidateCredentials does. */
    static final int MAX_ENROLMENTS = 10_000;

    @Override
    public void publishExamContent(PublishExamContentRequest request, StreamObserver<PublishedExamContent> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        byte[] file = request.getExamFile().toByteArray();
        if (file.length == 0) {
            throw DomainException.invalid("INVALID_EXAM_FILE", "Send the exam file: exam_file is empty.");
        }
        io.amphi.delivery.domain.ExamContent content = catalog.check(file, "sent by " + university.id());
        university.requireExam(content.examId());
        if (catalog.isSealed(content.examId())) {
            throw DomainException.precondition(
                    "SEALED",
                    "Exam %s is sealed: no content can be published for it any more.".formatted(content.examId()));
        }
        announcements.announce(catalog.publish(file, "sent by " + university.id()));
        Protos.reply(
                response,
                PublishedExamContent.newBuilder()
                        .setExamId(content.examId())
                        .setVersion(content.version())
                        .setTitle(content.title())
                        .setAnswerableQuestions(content.answerableCount())
                        .setContentSha256(catalog.contentSha256(content.examId(), content.version())
                                .orElseThrow())
                        .build());
    }

    @Override
    public void scheduleExam(ScheduleExamRequest request, StreamObserver<ScheduleExamResponse> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        university.requireExam(examId);
        if (!request.hasOpensAt() || !request.hasClosesAt()) {
            throw DomainException.invalid("MISSING_WINDOW", "Send both opens_at and closes_at.");
        }
        Instant opens = Protos.instant(request.getOpensAt(), "opens_at");
        Instant closes = Protos.instant(request.getClosesAt(), "closes_at");
        if (!closes.isAfter(opens)) {
            throw DomainException.invalid(
                    "INVALID_WINDOW", "closes_at (%s) must come after opens_at (%s).".formatted(closes, opens));
        }
        if (catalog.latestContent(examId).isEmpty()) {
            throw DomainException.notFound(
                    "UNKNOWN_EXAM", "No exam '%s' is published: publish its content first.".formatted(examId));
        }
        catalog.schedule(examId, new ExamSchedule(opens, closes));
        Protos.reply(
                response,
                ScheduleExamResponse.newBuilder()
                        .setExamId(examId)
                        .setOpensAt(request.getOpensAt())
                        .setClosesAt(request.getClosesAt())
                        .build());
    }

    @Override
    public void enrolCandidates(EnrolCandidatesRequest request, StreamObserver<EnrolCandidatesResponse> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        university.requireExam(examId);
        Inputs.count(request.getCandidatesCount(), "candidates", MAX_ENROLMENTS);
        List<Enrolment> enrolments = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < request.getCandidatesCount(); i++) {
            CandidateEnrolment candidate = request.getCandidates(i);
            String field = "candidates[" + i + "]";
            String candidateId = Inputs.id(candidate.getCandidateId(), field + ".candidate_id");
            if (!seen.add(candidateId)) {
                throw DomainException.invalid(
                        "DUPLICATE_CANDIDATE",
                        "%s: candidate %s is already in this batch.".formatted(field, candidateId));
            }
            com.google.protobuf.Duration wire = candidate.getExtraTime();
            if (wire.getSeconds() < 0
                    || wire.getNanos() < 0
                    || wire.getNanos() > 999_999_999
                    || wire.getSeconds() > ExamSession.LONGEST_EXTENSION.toSeconds()
                    || (wire.getSeconds() == ExamSession.LONGEST_EXTENSION.toSeconds() && wire.getNanos() > 0)) {
                throw DomainException.invalid(
                        "INVALID_EXTRA_TIME",
                        "%s: extra time runs from 0 to 24 hours; got %d s.".formatted(field, wire.getSeconds()));
            }
            Duration extra = Protos.duration(wire);
            enrolments.add(
                    new Enrolment(examId, candidateId, extra, Inputs.optionalId(candidate.getSite(), field + ".site")));
        }
        if (enrolments.isEmpty()) {
            throw DomainException.invalid("EMPTY_BATCH", "Send at least one candidate.");
        }
        if (catalog.isSealed(examId)) {
            throw DomainException.precondition(
                    "SEALED", "Exam %s is sealed: nobody can be enrolled any more.".formatted(examId));
        }
        catalog.enrol(enrolments);
        Protos.reply(
                response,
                EnrolCandidatesResponse.newBuilder()
                        .setEnrolled(enrolments.size())
                        .build());
    }

    @Override
    public void pauseSessions(PauseSessionsRequest request, StreamObserver<PauseSessionsResponse> response) {
        Protos.reply(response, pauseOrGoOn(request, pauses::pause));
    }

    @Override
    public void unpauseSessions(PauseSessionsRequest request, StreamObserver<PauseSessionsResponse> response) {
        Protos.reply(response, pauseOrGoOn(request, pauses::unpause));
    }

    /** What pausing and going on share: a proctor of the exam, a reason, a scope; then the action itself. */
    private interface PauseAction {
        SessionPauses.Outcome apply(String examId, SessionPauses.Scope scope, String reason, String proctorId);
    }

    private PauseSessionsResponse pauseOrGoOn(PauseSessionsRequest request, PauseAction action) {
        Caller proctor = Caller.require(Caller.Role.PROCTOR);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        String reason = Inputs.text(request.getReason(), "reason", Inputs.MAX_REASON);
        proctor.requireExam(examId);
        return outcome(action.apply(examId, scope(examId, request), reason, proctor.id()));
    }

    @Override
    public void getLiveView(GetLiveViewRequest request, StreamObserver<io.amphi.proto.delivery.v1.LiveView> response) {
        Caller proctor = Caller.require(Caller.Role.PROCTOR);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        proctor.requireExam(examId);
        String site = Inputs.optionalId(request.getSite(), "site");
        if (site != null) {
            proctor.requireSite(site);
        }
        String search = Inputs.boundedText(request.getSearch(), "search", 64);
        int pageSize = Pages.size(request.getPageSize(), 100, 500);
        int offset = Pages.offset(request.getPageToken());
        LiveView.State state = switch (request.getState()) {
            case CANDIDATE_STATE_UNSPECIFIED -> null;
            case CANDIDATE_STATE_NOT_STARTED -> LiveView.State.NOT_STARTED;
            case CANDIDATE_STATE_IN_EXAM -> LiveView.State.IN_EXAM;
            case CANDIDATE_STATE_PAUSED -> LiveView.State.PAUSED;
            case CANDIDATE_STATE_SUBMITTED -> LiveView.State.SUBMITTED;
            case CANDIDATE_STATE_WAITING ->
                throw DomainException.invalid(
                        "INVALID_STATE",
                        "Filter by NOT_STARTED: those " + "waiting in line are among them, shown as WAITING.");
            case UNRECOGNIZED ->
                throw DomainException.invalid("INVALID_STATE", "state is not one of CandidateState's values.");
        };
        LiveView.Page page =
                liveView.read(examId, new LiveView.Filter(proctor.sites(), site, state, search), pageSize, offset);
        Protos.reply(
                response,
                ProtoMapping.liveView(page, Pages.next(offset, page.candidates().size(), page.matching())));
    }

    private SessionPauses.Scope scope(String examId, PauseSessionsRequest request) {
        return switch (request.getScopeCase()) {
            case SESSION_ID -> {
                String sessionId = request.getSessionId();
                if (!SessionIds.examOf(sessionId).equals(examId)) {
                    throw DomainException.invalid(
                            "OTHER_EXAM",
                            "Session %s is not a session of exam %s.".formatted(Inputs.quote(sessionId), examId));
                }
                yield new SessionPauses.Scope.OneSession(enrolledSession(Caller.current(), sessionId));
            }
            case SITE -> {
                String site = Inputs.id(request.getSite(), "site");
                Caller.current().requireSite(site);
                yield new SessionPauses.Scope.Site(site);
            }
            case WHOLE_EXAM -> {
                if (!request.getWholeExam()) {
                    throw DomainException.invalid("MISSING_SCOPE", "whole_exam must be true when it is the scope.");
                }
                Caller.current().requireAllSites("pause each of its sites instead");
                yield new SessionPauses.Scope.WholeExam();
            }
            case SCOPE_NOT_SET ->
                throw DomainException.invalid(
                        "MISSING_SCOPE", "Say which sessions: session_id, site, or whole_exam (true).");
        };
    }

    private static PauseSessionsResponse outcome(SessionPauses.Outcome outcome) {
        return PauseSessionsResponse.newBuilder()
                .setChanged(outcome.changed())
                .setUnchanged(outcome.unchanged())
                .setEnded(outcome.ended())
                .setFailed(outcome.failed())
                .setAt(Protos.timestamp(outcome.at()))
                .build();
    }

    @Override
    public void closeExam(CloseExamRequest request, StreamObserver<ExamSeal> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        university.requireExam(examId);
        SealResult seal = sealing.close(examId, university.id());
        Protos.reply(
                response,
                ExamSeal.newBuilder()
                        .setExamId(seal.examId())
                        .setMerkleRoot(seal.merkleRoot())
                        .setSessionCount(seal.sessionCount())
                        .setSealedAt(Protos.timestamp(seal.sealedAt()))
                        .setAlreadySealed(seal.alreadySealed())
                        .build());
    }

    /**
     * A client's save number, read as the unsigned number it is on the wire and refused above
     * {@link AnswerSheet#MAX_SAVE_NUMBER}, so 2^64 - 1 is never taken for -1.
     */
    private static long saveNumber(long wire, String questionId) {
        if (wire < 1 || wire > AnswerSheet.MAX_SAVE_NUMBER) {
            throw DomainException.invalidAnswer(
                    questionId,
                    "Save numbers run from 1 to %d; got %s."
                            .formatted(AnswerSheet.MAX_SAVE_NUMBER, Long.toUnsignedString(wire)));
        }
        return wire;
    }

    /** The session id, if it belongs to the calling candidate. */
    private static String ownSession(String sessionId) {
        Caller candidate = Caller.require(Caller.Role.CANDIDATE);
        if (!SessionIds.candidateOf(sessionId).equals(candidate.id())) {
            throw DomainException.forbidden(
                    "NOT_YOUR_SESSION",
                    "Session %s is not yours: a candidate may only use their own session."
                            .formatted(Inputs.quote(sessionId)));
        }
        requireSignedInFor(candidate, SessionIds.examOf(sessionId));
        return sessionId;
    }

    /** A candidate's sign-in is for one exam; it opens no other. */
    private static void requireSignedInFor(Caller candidate, String examId) {
        if (candidate.examId() != null && !candidate.examId().equals(examId)) {
            throw DomainException.forbidden(
                    "OTHER_EXAM",
                    "You signed in for exam %s, not %s: sign in for that exam."
                            .formatted(candidate.examId(), Inputs.quote(examId)));
        }
    }

    private <R> R send(String sessionId, Object command) {
        try {
            return commands.sendAndWait(command);
        } catch (AggregateNotFoundException e) {
            throw DomainException.notFound(
                    "UNKNOWN_SESSION", "There is no session %s: start the exam first.".formatted(sessionId));
        }
    }
}
