package io.amphi.scoring.grpc;

import io.amphi.delivery.api.SessionIds;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import io.amphi.platform.grpc.Caller;
import io.amphi.platform.grpc.Pages;
import io.amphi.platform.grpc.Protos;
import io.amphi.proto.scoring.v1.AnswerKeyVersion;
import io.amphi.proto.scoring.v1.CandidateResult;
import io.amphi.proto.scoring.v1.ExamResults;
import io.amphi.proto.scoring.v1.ExamStatistics;
import io.amphi.proto.scoring.v1.GetExamStatisticsRequest;
import io.amphi.proto.scoring.v1.GetMyResultRequest;
import io.amphi.proto.scoring.v1.GetRescoreReportRequest;
import io.amphi.proto.scoring.v1.GetSessionResultRequest;
import io.amphi.proto.scoring.v1.ListResultsRequest;
import io.amphi.proto.scoring.v1.Provenance;
import io.amphi.proto.scoring.v1.PublishAnswerKeyRequest;
import io.amphi.proto.scoring.v1.PublishResultsRequest;
import io.amphi.proto.scoring.v1.QuestionChange;
import io.amphi.proto.scoring.v1.QuestionResult;
import io.amphi.proto.scoring.v1.QuestionStatistics;
import io.amphi.proto.scoring.v1.RankChange;
import io.amphi.proto.scoring.v1.RescoreReport;
import io.amphi.proto.scoring.v1.ResultsPublication;
import io.amphi.proto.scoring.v1.ScoringServiceGrpc;
import io.amphi.proto.scoring.v1.SessionResult;
import io.amphi.scoring.access.ResultReadingRights;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringCommands.PublishAnswerKey;
import io.amphi.scoring.api.ScoringResults.KeyVersion;
import io.amphi.scoring.api.ScoringResults.Publication;
import io.amphi.scoring.results.ResultsCatchUp;
import io.amphi.scoring.results.ResultsSealing;
import io.amphi.scoring.rules.RuleSets;
import io.amphi.scoring.store.ResultQueries;
import io.amphi.scoring.store.ResultQueries.StoredResult;
import io.amphi.scoring.store.ResultStore;
import io.amphi.scoring.store.ResultStore.StoredKey;
import io.amphi.scoring.store.TrackedExams;
import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * The scoring service over gRPC. Writes go through the ExamScoring aggregate; reads come from the
 * results read model. Who may read what is ResultReadingRights' to say; candidates read their own
 * published result.
 */
public class ScoringGrpcService extends ScoringServiceGrpc.ScoringServiceImplBase {

    static final String EXAMS_WRITE = "exams:write";
    private static final int DEFAULT_PAGE = 100;
    private static final int LARGEST_PAGE = 1_000;

    /** The longest a key sent right after sealing waits for scoring to read the seal (ResultsCatchUp). */
    private static final Duration SEAL_LAG = Duration.ofSeconds(5);

    private final CommandGateway commands;
    private final ResultStore store;
    private final ResultQueries queries;
    private final ResultsSealing sealing;
    private final TrackedExams exams;
    private final ResultsCatchUp catchUp;
    private final ResultReadingRights rights;

    public ScoringGrpcService(
            CommandGateway commands,
            ResultStore store,
            ResultQueries queries,
            ResultsSealing sealing,
            TrackedExams exams,
            ResultsCatchUp catchUp,
            ResultReadingRights rights) {
        this.commands = commands;
        this.rights = rights;
        this.store = store;
        this.queries = queries;
        this.sealing = sealing;
        this.exams = exams;
        this.catchUp = catchUp;
    }

    @Override
    public void publishAnswerKey(PublishAnswerKeyRequest request, StreamObserver<AnswerKeyVersion> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        String examId = requireExamId(request.getExamId());
        university.requireExam(examId);
        String ruleSet = request.getRuleSet().isEmpty()
                ? RuleSets.DEFAULT.version()
                : Inputs.id(request.getRuleSet(), "rule_set");
        String reason = Inputs.boundedText(request.getReason(), "reason", Inputs.MAX_REASON);
        if (!exams.isSealed(examId)) {
            catchUp.awaitLogAsOfNow(SEAL_LAG);
        }
        KeyVersion version = commands.sendAndWait(new PublishAnswerKey(
                ScoringCommands.scoringId(examId),
                examId,
                request.getContentVersion(),
                ProtoKeys.fromProto(request.getQuestionsList()),
                ruleSet,
                reason,
                university.id()));
        Protos.reply(
                response,
                AnswerKeyVersion.newBuilder()
                        .setExamId(examId)
                        .setKeyVersion(version.keyVersion())
                        .build());
    }

    @Override
    public void getRescoreReport(GetRescoreReportRequest request, StreamObserver<RescoreReport> response) {
        String examId = requireExamId(request.getExamId());
        Caller reader = rights.requireReader(examId);
        StoredKey key = store.key(examId, request.getKeyVersion())
                .orElseThrow(() -> DomainException.notFound(
                        "UNKNOWN_KEY_VERSION",
                        "Exam %s has no answer key version %d (yet).".formatted(examId, request.getKeyVersion())));
        rights.requirePublishedFor(
                reader,
                examId,
                queries.publication(examId)
                        .map(publication -> publication.keyVersion() >= key.keyVersion())
                        .orElse(false));
        boolean ready = store.latestKey(examId).map(StoredKey::keyVersion).orElse(0) > key.keyVersion()
                || queries.countScored(examId, key.keyVersion()) == queries.countSubmitted(examId);
        RescoreReport.Builder report = RescoreReport.newBuilder()
                .setReady(ready)
                .setKeyVersion(key.keyVersion())
                .setReason(key.reason());
        queries.questionChanges(examId, key.keyVersion())
                .forEach(change -> report.addQuestionChanges(QuestionChange.newBuilder()
                        .setCandidateId(change.candidateId())
                        .setQuestionId(change.questionId())
                        .setOldPoints(change.oldPoints().toPlainString())
                        .setNewPoints(change.newPoints().toPlainString())));
        queries.rankChanges(examId, key.keyVersion())
                .forEach(change -> report.addRankChanges(RankChange.newBuilder()
                        .setCandidateId(change.candidateId())
                        .setOldTotal(change.oldTotal().toPlainString())
                        .setNewTotal(change.newTotal().toPlainString())
                        .setOldRank(change.oldRank())
                        .setNewRank(change.newRank())));
        Protos.reply(response, report.build());
    }

    @Override
    public void getExamStatistics(GetExamStatisticsRequest request, StreamObserver<ExamStatistics> response) {
        String examId = requireExamId(request.getExamId());
        rights.requireReader(examId);
        StoredKey key = rights.latestKey(examId);
        ResultQueries.ExamFigures exam = queries.statistics(examId, key.keyVersion());
        ExamStatistics.Builder statistics = ExamStatistics.newBuilder()
                .setExamId(examId)
                .setKeyVersion(key.keyVersion())
                .setSessions(exam.sessions())
                .setMeanTotal(exam.meanTotal().toPlainString());
        exam.questions()
                .forEach(figures -> statistics.addQuestions(QuestionStatistics.newBuilder()
                        .setQuestionId(figures.questionId())
                        .setSuccessRate(figures.successRate())
                        .setDiscriminationIndex(figures.discriminationIndex())
                        .addAllWarnings(figures.warnings())));
        Protos.reply(response, statistics.build());
    }

    @Override
    public void publishResults(PublishResultsRequest request, StreamObserver<ResultsPublication> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        String examId = requireExamId(request.getExamId());
        university.requireExam(examId);
        Publication publication = sealing.publish(examId, university.id());
        Protos.reply(
                response,
                ResultsPublication.newBuilder()
                        .setExamId(examId)
                        .setKeyVersion(publication.keyVersion())
                        .setRuleSet(publication.ruleSet())
                        .setPublishedAt(Protos.timestamp(publication.publishedAt()))
                        .setAlreadyPublished(publication.alreadyPublished())
                        .setPublication(publication.publication())
                        .setPublicationRoot(publication.publicationRoot())
                        .setResultsRoot(publication.resultsRoot())
                        .setResults(publication.results())
                        .build());
    }

    @Override
    public void listResults(ListResultsRequest request, StreamObserver<ExamResults> response) {
        String examId = requireExamId(request.getExamId());
        Caller reader = rights.requireReader(examId);
        StoredKey key = rights.latestKey(examId);
        boolean published = rights.isPublished(examId, key);
        rights.requirePublishedFor(reader, examId, published);
        int pageSize = Pages.size(request.getPageSize(), DEFAULT_PAGE, LARGEST_PAGE);
        int offset = Pages.offset(request.getPageToken());
        int candidates = queries.countResults(examId);
        List<ResultQueries.Placed> page = queries.results(examId, offset, pageSize);
        rights.requireSameResults(
                reader,
                examId,
                page.stream().map(ResultQueries.Placed::keyVersion).toList(),
                key);
        ExamResults.Builder results = ExamResults.newBuilder()
                .setExamId(examId)
                .setKeyVersion(key.keyVersion())
                .setRuleSet(key.ruleSet())
                .setPublished(published)
                .setTotalCandidates(candidates);
        page.forEach(result -> results.addResults(CandidateResult.newBuilder()
                .setCandidateId(result.candidateId())
                .setTotal(result.total().toPlainString())
                .setMaxTotal(result.maxTotal().toPlainString())
                .setRank(result.rank())
                .setPercentile(new BigDecimal(result.percentile())
                        .round(new MathContext(4))
                        .doubleValue())));
        results.setNextPageToken(Pages.next(offset, page.size(), candidates));
        Protos.reply(response, results.build());
    }

    @Override
    public void getSessionResult(GetSessionResultRequest request, StreamObserver<SessionResult> response) {
        String sessionId = request.getSessionId();
        String examId = SessionIds.examOf(sessionId);
        Caller reader = rights.requireReader(examId);
        StoredKey key = rights.latestKey(examId);
        rights.requirePublishedFor(reader, examId, rights.isPublished(examId, key));
        Protos.reply(response, sessionResult(sessionId, reader, key));
    }

    @Override
    public void getMyResult(GetMyResultRequest request, StreamObserver<SessionResult> response) {
        Caller candidate = Caller.require(Caller.Role.CANDIDATE);
        String examId = requireExamId(request.getExamId());
        if (candidate.examId() != null && !candidate.examId().equals(examId)) {
            throw DomainException.forbidden(
                    "OTHER_EXAM",
                    "You signed in for exam %s, not %s.".formatted(candidate.examId(), Inputs.quote(examId)));
        }
        StoredKey key = rights.latestKey(examId);
        if (!rights.isPublished(examId, key)) {
            throw DomainException.precondition(
                    "NOT_PUBLISHED", "The results of exam %s are not published yet.".formatted(examId));
        }
        Protos.reply(response, sessionResult(SessionIds.of(examId, candidate.id()), candidate, key));
    }

    private SessionResult sessionResult(String sessionId, Caller reader, StoredKey publishedKey) {
        StoredResult result = queries.result(sessionId)
                .orElseThrow(() -> DomainException.notFound(
                        "NO_RESULT",
                        "Session %s has no result: it was not submitted, or not scored yet.".formatted(sessionId)));
        rights.requireSameResults(reader, result.examId(), List.of(result.keyVersion()), publishedKey);

        SessionResult.Builder builder = SessionResult.newBuilder()
                .setSessionId(sessionId)
                .setCandidateId(result.candidateId())
                .setTotal(result.total().toPlainString())
                .setMaxTotal(result.maxTotal().toPlainString())
                .setRank(queries.rank(result.examId(), result.total()))
                .setProvenance(Provenance.newBuilder()
                        .setContentVersion(result.contentVersion())
                        .setKeyVersion(result.keyVersion())
                        .setRuleSet(result.ruleSet())
                        .setLastSequence(result.lastSequence())
                        .setLastEventHash(EventHashes.hex(result.lastEventHash())));
        result.questions()
                .forEach(q -> builder.addQuestions(QuestionResult.newBuilder()
                        .setQuestionId(q.questionId())
                        .setPoints(q.points().toPlainString())
                        .setMaxPoints(q.maxPoints().toPlainString())));
        return builder.build();
    }

    private static String requireExamId(String examId) {
        return Inputs.id(examId, "exam_id");
    }
}
