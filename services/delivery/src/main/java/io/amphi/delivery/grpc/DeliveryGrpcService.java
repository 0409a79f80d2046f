package io.amphi.delivery.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.amphi.delivery.admission.ExamDoor;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Commands;
import io.amphi.delivery.api.Results.FlagResult;
import io.amphi.delivery.api.Results.SaveResult;
import io.amphi.delivery.api.Results.SealResult;
import io.amphi.delivery.api.Results.StartResult;
import io.amphi.delivery.api.SessionView;
import io.amphi.delivery.domain.ExamCatalog;
import io.amphi.delivery.domain.ExamSession;
import io.amphi.delivery.domain.SessionIds;
import io.amphi.delivery.seal.ExamSealing;
import io.amphi.delivery.seal.SubmissionReceipts;
import io.amphi.platform.cluster.Admission;
import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import io.amphi.platform.grpc.CallArrival;
import io.amphi.platform.grpc.Caller;
import io.amphi.platform.grpc.Protos;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.ExamContent;
import io.amphi.proto.delivery.v1.ExamSeal;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.proto.delivery.v1.FlagQuestionRequest;
import io.amphi.proto.delivery.v1.FlagQuestionResponse;
import io.amphi.proto.delivery.v1.GetExamContentRequest;
import io.amphi.proto.delivery.v1.InclusionProof;
import io.amphi.proto.delivery.v1.ProveSubmissionRequest;
import io.amphi.proto.delivery.v1.QueueTicket;
import io.amphi.proto.delivery.v1.ReceiptKey;
import io.amphi.proto.delivery.v1.ReceiptKeys;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveAnswerResponse;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionResponse;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.axonframework.modelling.command.AggregateNotFoundException;

/**
 * The candidate's and proctor's door to exam sessions. It checks who is calling and what they may
 * touch, turns requests into commands, and leaves every rule about answers and time to the session.
 */
public class DeliveryGrpcService extends DeliveryServiceGrpc.DeliveryServiceImplBase {

    private record ContentKey(String examId, int version) {
    }

    /** The scope a university's account needs to close its exams. */
    static final String EXAMS_WRITE = "exams:write";

    private final CommandGateway commands;
    private final ExamCatalog catalog;
    private final Cache sessionCache;
    private final RateLimiter saveRateLimiter;
    private final ExamDoor door;
    private final ExamSealing sealing;
    private final SubmissionReceipts receipts;
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
     */
    public DeliveryGrpcService(CommandGateway commands, ExamCatalog catalog, Cache sessionCache,
                               RateLimiter saveRateLimiter, ExamDoor door, ExamSealing sealing,
                               SubmissionReceipts receipts, Clock clock) {
        this.commands = commands;
        this.catalog = catalog;
        this.sessionCache = sessionCache;
        this.saveRateLimiter = saveRateLimiter;
        this.door = door;
        this.sealing = sealing;
        this.receipts = receipts;
        this.clock = clock;
    }

    @Override
    public void startSession(StartSessionRequest request, StreamObserver<StartSessionResponse> response) {
        Caller candidate = Caller.require(Caller.Role.CANDIDATE);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        requireSignedInFor(candidate, examId);
        String sessionId = SessionIds.of(examId, candidate.id());
        Optional<Admission.Outcome> waiting = door.placeInLine(examId, candidate.id(), sessionId,
                CallArrival.arrivedAtMillis(clock));
        if (waiting.isPresent()) {
            Protos.reply(response, StartSessionResponse.newBuilder().setQueue(QueueTicket.newBuilder()
                    .setTicket(waiting.get().ticket())
                    .setPosition(waiting.get().position())
                    .setEstimatedWait(Protos.duration(waiting.get().estimatedWait()))).build());
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
        Protos.reply(response, StartSessionResponse.newBuilder()
                .setSession(ProtoMapping.session(result.session()))
                .setAlreadyStarted(result.alreadyStarted())
                .build());
    }

    @Override
    public void getExamContent(GetExamContentRequest request, StreamObserver<ExamContent> response) {
        String sessionId = ownSession(request.getSessionId());
        SessionView session = send(sessionId, new Commands.DescribeSession(sessionId));
        ContentKey key = new ContentKey(session.examId(), session.contentVersion());
        ExamContent content = contentMessages.computeIfAbsent(key, k -> ProtoMapping.content(
                catalog.content(k.examId(), k.version()).orElseThrow(() -> new IllegalStateException(
                        "Content version %d of exam %s is missing".formatted(k.version(), k.examId())))));
        Protos.reply(response, content);
    }

    @Override
    public void saveAnswer(SaveAnswerRequest request, StreamObserver<SaveAnswerResponse> response) {
        String sessionId = ownSession(request.getSessionId());
        String questionId = Inputs.id(request.getQuestionId(), "question_id");
        long saveNumber = saveNumber(request.getSaveNumber(), questionId);
        if (!request.hasAnswer()) {
            throw DomainException.invalidAnswer(questionId, "Save " + saveNumber
                    + " has no answer (send a cleared answer to withdraw one).");
        }
        Answer answer = ProtoMapping.answer(questionId, request.getAnswer());
        RateLimiter.Decision allowance = saveRateLimiter.tryTake(sessionId);
        if (!allowance.allowed()) {
            throw new RateLimiter.RateLimitExceeded("SAVE_RATE_EXCEEDED", "Session %s is saving faster than a person answers; save %d was not stored. Send it again in %d ms."
                    .formatted(sessionId, saveNumber, Math.max(1, allowance.retryAfter().toMillis())),
                    allowance.retryAfter());
        }
        SaveResult result = send(sessionId, new Commands.SaveAnswer(sessionId, questionId, saveNumber, answer));
        Protos.reply(response, SaveAnswerResponse.newBuilder()
                .setSaveNumber(result.saveNumber())
                .setOutcome(ProtoMapping.outcome(result.outcome()))
                .setRemaining(Protos.duration(result.remaining()))
                .build());
    }

    @Override
    public void flagQuestion(FlagQuestionRequest request, StreamObserver<FlagQuestionResponse> response) {
        String sessionId = ownSession(request.getSessionId());
        String questionId = Inputs.id(request.getQuestionId(), "question_id");
        FlagResult result = send(sessionId, new Commands.FlagQuestion(sessionId, questionId, request.getFlagged()));
        Protos.reply(response, FlagQuestionResponse.newBuilder()
                .setFlagged(result.flagged()).setChanged(result.changed()).build());
    }

    @Override
    public void submitSession(SubmitSessionRequest request, StreamObserver<SessionState> response) {
        String sessionId = ownSession(request.getSessionId());
        SessionView view = send(sessionId, new Commands.SubmitSession(sessionId));
        Protos.reply(response, withReceipt(view));
    }

    @Override
    public void resumeSession(ResumeSessionRequest request, StreamObserver<SessionState> response) {
        String sessionId = ownSession(request.getSessionId());
        sessionCache.remove(sessionId);
        SessionView view = send(sessionId, new Commands.DescribeSession(sessionId));
        Protos.reply(response, withReceipt(view));
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
            return state.toBuilder().setReceipt(ProtoMapping.receipt(receipts.issue(view.sessionId()))).build();
        } catch (DomainException e) {
            return state;
        }
    }

    @Override
    public void getReceiptKeys(Empty request, StreamObserver<ReceiptKeys> response) {
        ReceiptKeys.Builder keys = ReceiptKeys.newBuilder();
        receipts.keys().forEach(key -> keys.addKeys(ReceiptKey.newBuilder().setKeyId(key.keyId())
                .setAlgorithm(key.algorithm()).setPublicKey(ByteString.copyFrom(key.publicKey()))
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
            default -> throw DomainException.forbidden("WRONG_ROLE", "Only the session's candidate, an auditor or the "
                    + "exam's university may ask for a proof of inclusion.");
        }
        Protos.reply(response, ProtoMapping.proof(receipts.prove(examId, sessionId)));
    }

    @Override
    public void extendTime(ExtendTimeRequest request, StreamObserver<SessionState> response) {
        Caller proctor = Caller.require(Caller.Role.PROCTOR);
        String sessionId = request.getSessionId();
        proctor.requireExam(SessionIds.examOf(sessionId));
        if (!request.hasExtension()) {
            throw DomainException.invalid("INVALID_EXTENSION", "Say how much time to add: extension is missing.");
        }
        String reason = Inputs.text(request.getReason(), "reason", Inputs.MAX_REASON);
        SessionView view = send(sessionId, new Commands.ExtendTime(sessionId,
                Protos.duration(request.getExtension()), reason, proctor.id()));
        Protos.reply(response, ProtoMapping.session(view));
    }

    @Override
    public void closeExam(CloseExamRequest request, StreamObserver<ExamSeal> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        university.requireExam(examId);
        SealResult seal = sealing.close(examId, university.id());
        Protos.reply(response, ExamSeal.newBuilder()
                .setExamId(seal.examId())
                .setMerkleRoot(seal.merkleRoot())
                .setSessionCount(seal.sessionCount())
                .setSealedAt(Protos.timestamp(seal.sealedAt()))
                .setAlreadySealed(seal.alreadySealed())
                .build());
    }

    /**
     * A client's save number, read as the unsigned number it is on the wire and refused above
     * {@link ExamSession#MAX_SAVE_NUMBER}, so 2^64 - 1 is never taken for -1.
     */
    private static long saveNumber(long wire, String questionId) {
        if (wire < 1 || wire > ExamSession.MAX_SAVE_NUMBER) {
            throw DomainException.invalidAnswer(questionId, "Save numbers run from 1 to %d; got %s."
                    .formatted(ExamSession.MAX_SAVE_NUMBER, Long.toUnsignedString(wire)));
        }
        return wire;
    }

    /** The session id, if it belongs to the calling candidate. */
    private static String ownSession(String sessionId) {
        Caller candidate = Caller.require(Caller.Role.CANDIDATE);
        if (!SessionIds.candidateOf(sessionId).equals(candidate.id())) {
            throw DomainException.forbidden("NOT_YOUR_SESSION",
                    "Session %s is not yours: a candidate may only use their own session.".formatted(Inputs.quote(sessionId)));
        }
        requireSignedInFor(candidate, SessionIds.examOf(sessionId));
        return sessionId;
    }

    /** A candidate's sign-in is for one exam; it opens no other. */
    private static void requireSignedInFor(Caller candidate, String examId) {
        if (candidate.examId() != null && !candidate.examId().equals(examId)) {
            throw DomainException.forbidden("OTHER_EXAM", "You signed in for exam %s, not %s: sign in for that exam."
                    .formatted(candidate.examId(), Inputs.quote(examId)));
        }
    }

    private <R> R send(String sessionId, Object command) {
        try {
            return commands.sendAndWait(command);
        } catch (AggregateNotFoundException e) {
            throw DomainException.notFound("UNKNOWN_SESSION",
                    "There is no session %s: start the exam first.".formatted(sessionId));
        }
    }
}
