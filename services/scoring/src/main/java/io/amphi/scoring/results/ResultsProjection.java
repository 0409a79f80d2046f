package io.amphi.scoring.results;

import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.ExamContentPublished;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.Events.OfflineAnswersAccepted;
import io.amphi.delivery.api.Events.OfflineAnswersRejected;
import io.amphi.delivery.api.Events.OfflineAnswersUploaded;
import io.amphi.delivery.api.Events.SessionStarted;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.SessionIds;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import io.amphi.scoring.api.ScoringEvents.ResultsPublished;
import io.amphi.scoring.domain.Ranking;
import io.amphi.scoring.rules.QuestionScore;
import io.amphi.scoring.rules.RuleSets;
import io.amphi.scoring.rules.ScoringRules;
import io.amphi.scoring.rules.SessionScorer;
import io.amphi.scoring.rules.SessionScorer.SessionScore;
import io.amphi.scoring.store.ResultStore;
import io.amphi.scoring.store.ResultStore.StoredKey;
import io.amphi.scoring.store.ResultStore.SubmittedSession;
import io.amphi.scoring.store.TrackedExams;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * The results read model, fed by a streaming processor over the event log: the last answers of
 * each session, each submitted session's score under its exam's latest key, and what every key
 * version changed. Everything comes from events (times included), so replaying the log from the
 * start rebuilds identical results.
 */
@ProcessingGroup(ResultsProjection.PROCESSOR)
public class ResultsProjection {

    public static final String PROCESSOR = "scoring-results";
    private static final String PENDING_ANSWERS = ResultsProjection.class.getName() + ".pendingAnswers";
    private static final int CHUNK = 500;

    private final ResultStore store;
    private final TrackedExams exams;

    public ResultsProjection(ResultStore store, TrackedExams exams) {
        this.store = store;
        this.exams = exams;
    }

    @EventHandler
    void on(ExamContentPublished event) {
        exams.contentPublished(event.examId(), event.contentVersion(), event.contentSha256(), event.questions());
    }

    @EventHandler
    void on(ExamSealed event) {
        exams.sealed(event.examId(), event.merkleRoot(), event.sealedAt());
    }

    @EventHandler
    void on(SessionStarted event) {
        store.sessionStarted(event.sessionId(), event.examId(), event.candidateId(), event.contentVersion());
    }

    /** Answers are the bulk of the log: they are written once per processing batch, the last one of each question. */
    @EventHandler
    void on(AnswerSaved event) {
        answered(event.sessionId(), event.questionId(), event.answer());
    }

    private void answered(String sessionId, String questionId, Answer answer) {
        pendingAnswers()
                .put(sessionId + '\u0000' + questionId, new ResultStore.LastAnswer(sessionId, questionId, answer));
    }

    @EventHandler
    void on(SessionSubmitted event, @SequenceNumber long sequence) {
        flush(pendingAnswers());
        store.sessionSubmitted(event.sessionId(), event.submittedAt(), sequence);
        scoreIfKeyed(event.sessionId());
    }

    /** Answers a proctor accepted count like saves: each is numbered above its question's stored answer. */
    @EventHandler
    void on(OfflineAnswersAccepted event, @SequenceNumber long sequence) {
        event.applied().forEach(answer -> answered(event.sessionId(), answer.questionId(), answer.answer()));
        amended(event.sessionId(), sequence);
    }

    @EventHandler
    void on(OfflineAnswersUploaded event, @SequenceNumber long sequence) {
        amended(event.sessionId(), sequence);
    }

    @EventHandler
    void on(OfflineAnswersRejected event, @SequenceNumber long sequence) {
        amended(event.sessionId(), sequence);
    }

    /** The session's result is computed again, so it names the session's last event. */
    private void amended(String sessionId, long sequence) {
        flush(pendingAnswers());
        store.sessionAmended(sessionId, sequence);
        scoreIfKeyed(sessionId);
    }

    /** A handed-in session is scored as soon as its exam has a key for its content version. */
    private void scoreIfKeyed(String sessionId) {
        String examId = SessionIds.examOf(sessionId);
        Optional<StoredKey> key = store.latestKey(examId);
        Optional<SubmittedSession> session = store.submitted(sessionId);
        if (key.isPresent()
                && session.isPresent()
                && session.get().contentVersion() == key.get().contentVersion()) {
            score(examId, List.of(session.get()), key.get());
        }
    }

    @EventHandler
    void on(AnswerKeyPublished event) {
        flush(pendingAnswers());
        StoredKey key = new StoredKey(
                event.examId(),
                event.keyVersion(),
                event.contentVersion(),
                event.ruleSet(),
                event.questions(),
                event.reason());
        store.keyPublished(key, event.publishedAt());
        boolean correction = event.keyVersion() > 1;
        Map<String, BigDecimal> totalsBefore = correction ? store.totals(event.examId()) : Map.of();
        String after = "";
        List<SubmittedSession> chunk;
        while (!(chunk = store.submittedSessions(event.examId(), event.contentVersion(), after, CHUNK)).isEmpty()) {
            Map<String, List<QuestionScore>> before = correction
                    ? store.questionScores(
                            chunk.stream().map(SubmittedSession::sessionId).toList())
                    : Map.of();
            Map<String, SessionScore> scores = score(event.examId(), chunk, key);
            if (correction) {
                chunk.forEach(session -> recordQuestionChanges(
                        event,
                        session,
                        before.getOrDefault(session.sessionId(), List.of()),
                        scores.get(session.sessionId())));
            }
            after = chunk.getLast().sessionId();
        }
        if (correction) {
            recordRankChanges(event, totalsBefore, store.totals(event.examId()));
        }
    }

    @EventHandler
    void on(ResultsPublished event) {
        store.published(event.examId(), event.keyVersion(), event.ruleSet(), event.publishedAt());
    }

    @ResetHandler
    void reset() {
        store.clear();
        exams.clear();
    }

    private Map<String, ResultStore.LastAnswer> pendingAnswers() {
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        return batch.getOrComputeResource(PENDING_ANSWERS, name -> {
            Map<String, ResultStore.LastAnswer> pending = new LinkedHashMap<>();
            batch.onPrepareCommit(unitOfWork -> flush(pending));
            return pending;
        });
    }

    private void flush(Map<String, ResultStore.LastAnswer> pending) {
        if (!pending.isEmpty()) {
            store.answersSaved(pending.values());
            pending.clear();
        }
    }

    private Map<String, SessionScore> score(String examId, List<SubmittedSession> sessions, StoredKey key) {
        ScoringRules rules = RuleSets.byVersion(key.ruleSet())
                .orElseThrow(() -> new IllegalStateException(
                        "Key %d of %s names unknown rules %s".formatted(key.keyVersion(), examId, key.ruleSet())));
        Map<String, Map<String, Answer>> answers =
                store.answers(sessions.stream().map(SubmittedSession::sessionId).toList());
        Map<String, SessionScore> scores = new HashMap<>();
        List<ResultStore.Scored> scored = new ArrayList<>(sessions.size());
        for (SubmittedSession session : sessions) {
            SessionScore score = SessionScorer.score(key.questions(), answers.get(session.sessionId()), rules);
            scored.add(new ResultStore.Scored(session, score));
            scores.put(session.sessionId(), score);
        }
        store.saveResults(examId, key, scored);
        return scores;
    }

    private void recordQuestionChanges(
            AnswerKeyPublished event, SubmittedSession session, List<QuestionScore> before, SessionScore after) {
        Map<String, BigDecimal> oldPoints = new HashMap<>();
        before.forEach(q -> oldPoints.put(q.questionId(), q.points()));
        for (QuestionScore now : after.questions()) {
            BigDecimal old = oldPoints.get(now.questionId());
            if (old == null || old.compareTo(now.points()) != 0) {
                store.questionChanged(
                        event.examId(),
                        event.keyVersion(),
                        session.candidateId(),
                        now.questionId(),
                        old == null ? BigDecimal.ZERO.setScale(3) : old,
                        now.points());
            }
        }
    }

    private void recordRankChanges(
            AnswerKeyPublished event, Map<String, BigDecimal> totalsBefore, Map<String, BigDecimal> totalsAfter) {
        Map<String, Integer> ranksBefore = Ranking.of(totalsBefore);
        Map<String, Integer> ranksAfter = Ranking.of(totalsAfter);
        totalsAfter.forEach((candidate, total) -> {
            BigDecimal oldTotal = totalsBefore.get(candidate);
            if (oldTotal != null
                    && (oldTotal.compareTo(total) != 0
                            || !ranksBefore.get(candidate).equals(ranksAfter.get(candidate)))) {
                store.rankChanged(
                        event.examId(),
                        event.keyVersion(),
                        candidate,
                        oldTotal,
                        total,
                        ranksBefore.get(candidate),
                        ranksAfter.get(candidate));
            }
        });
    }
}
