package io.amphi.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.OfflineAnswersAccepted;
import io.amphi.delivery.api.Events.SessionStarted;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.PublishedEvents;
import io.amphi.delivery.api.SessionIds;
import io.amphi.delivery.json.DeliveryJson;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.axon.AxonJackson;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringEvents;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import io.amphi.scoring.json.ScoringJson;
import io.amphi.scoring.rules.QuestionScore;
import io.amphi.scoring.rules.RuleSets;
import io.amphi.scoring.rules.ScoringRules;
import io.amphi.scoring.rules.SessionScorer;
import io.amphi.scoring.rules.SessionScorer.SessionScore;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays an exam's log with an answer key version from that log and a rule set, with the same
 * versioned rule code the platform runs, and compares every figure with the results the platform
 * recorded.
 */
final class Rescorer {

    /** One figure that differs, or a session one side has and the other has not. */
    record Difference(String session, String question, String platform, String recomputed) {}

    record Report(
            String examId,
            int keyVersion,
            String ruleSet,
            int sessions,
            int platformKeyVersion,
            List<Difference> differences,
            Duration took) {

        boolean clean() {
            return differences.isEmpty();
        }
    }

    private static final ObjectMapper JSON =
            AxonJackson.objectMapper(List.of(DeliveryJson.module(), ScoringJson.module()));
    private static final String KEY_PUBLISHED = ScoringEvents.nameOf(AnswerKeyPublished.class);
    private static final String ANSWER_SAVED = PublishedEvents.nameOf(AnswerSaved.class);
    private static final String STARTED = PublishedEvents.nameOf(SessionStarted.class);
    private static final String SUBMITTED = PublishedEvents.nameOf(SessionSubmitted.class);
    private static final String OFFLINE_ACCEPTED = PublishedEvents.nameOf(OfflineAnswersAccepted.class);

    private Rescorer() {}

    /**
     * @param keyVersion the key version to score with; {@code null}: the version of the platform's
     *                   results, or the latest in the log
     * @param ruleSet    the rule set version; {@code null}: the one published with the key
     */
    static Report rescore(ExamLog log, Integer keyVersion, String ruleSet, Progress progress) throws Exception {
        long start = System.nanoTime();
        Map<String, ResultLine> platform = new HashMap<>();
        log.results().forEach(result -> platform.putIfAbsent(result.sessionId(), result));
        int platformKeyVersion = platform.values().stream()
                .mapToInt(ResultLine::keyVersion)
                .max()
                .orElse(0);
        Map<Integer, AnswerKeyPublished> keys = new TreeMap<>();
        Map<String, SessionScore> recomputed = new HashMap<>();
        Chosen chosen = new Chosen();
        Set<String> seen = new HashSet<>();
        log.forEachChain(chain -> {
            String aggregate = chain.getFirst().aggregateIdentifier();
            if (!seen.add(aggregate)) {
                progress.advance(chain.size());
                return;
            }
            if (aggregate.equals(ScoringCommands.scoringId(log.examId()))) {
                for (StoredEvent event : chain) {
                    if (KEY_PUBLISHED.equals(event.payloadType())) {
                        AnswerKeyPublished key = JSON.readValue(event.payload(), AnswerKeyPublished.class);
                        keys.put(key.keyVersion(), key);
                    }
                }
                chosen.choose(keys, keyVersion != null ? keyVersion : platformKeyVersion, ruleSet);
            } else if (SessionIds.isSessionOf(aggregate, log.examId())) {
                if (chosen.key == null) {
                    chosen.choose(keys, keyVersion != null ? keyVersion : platformKeyVersion, ruleSet);
                }
                score(chain, chosen).ifPresent(score -> recomputed.put(aggregate, score));
            }
            progress.advance(chain.size());
        });
        progress.finish();
        List<Difference> differences = compare(platform, recomputed);
        return new Report(
                log.examId(),
                chosen.key.keyVersion(),
                chosen.rules.version(),
                recomputed.size(),
                platformKeyVersion,
                differences,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The key and rules every session is scored with, fixed once the keys are read. */
    private static final class Chosen {
        AnswerKeyPublished key;
        ScoringRules rules;

        void choose(Map<Integer, AnswerKeyPublished> keys, int wanted, String ruleSet) {
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("The log holds no answer key: there is nothing to score with.");
            }
            int version = wanted > 0 ? wanted : ((TreeMap<Integer, AnswerKeyPublished>) keys).lastKey();
            key = keys.get(version);
            if (key == null) {
                throw new IllegalArgumentException(
                        "The log holds key versions " + keys.keySet() + ", not " + version + ".");
            }
            String rulesVersion = ruleSet != null ? ruleSet : key.ruleSet();
            rules = RuleSets.byVersion(rulesVersion)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "There is no rule set '" + rulesVersion + "'; known: " + RuleSets.versions() + "."));
        }
    }

    private static Optional<SessionScore> score(List<StoredEvent> session, Chosen chosen) throws Exception {
        Map<String, Answer> answers = new HashMap<>();
        boolean submitted = false;
        for (StoredEvent event : session) {
            if (STARTED.equals(event.payloadType())
                    && JSON.readValue(event.payload(), SessionStarted.class).contentVersion()
                            != chosen.key.contentVersion()) {
                return Optional.empty();
            } else if (ANSWER_SAVED.equals(event.payloadType())) {
                AnswerSaved saved = JSON.readValue(event.payload(), AnswerSaved.class);
                answers.put(saved.questionId(), saved.answer());
            } else if (OFFLINE_ACCEPTED.equals(event.payloadType())) {
                JSON.readValue(event.payload(), OfflineAnswersAccepted.class)
                        .applied()
                        .forEach(answer -> answers.put(answer.questionId(), answer.answer()));
            } else if (SUBMITTED.equals(event.payloadType())) {
                submitted = true;
            }
        }
        return submitted
                ? Optional.of(SessionScorer.score(chosen.key.questions(), answers, chosen.rules))
                : Optional.empty();
    }

    private static List<Difference> compare(Map<String, ResultLine> platform, Map<String, SessionScore> recomputed) {
        Set<String> sessions = new LinkedHashSet<>(new TreeMap<>(platform).keySet());
        sessions.addAll(new TreeMap<>(recomputed).keySet());
        List<Difference> differences = new ArrayList<>();
        for (String session : sessions) {
            ResultLine recorded = platform.get(session);
            SessionScore score = recomputed.get(session);
            if (recorded == null) {
                differences.add(new Difference(
                        session, "-", "no result", "total " + score.total().toPlainString()));
            } else if (score == null) {
                differences.add(new Difference(session, "-", "total " + recorded.total(), "not submitted in the log"));
            } else {
                Map<String, BigDecimal> recordedPoints = new HashMap<>();
                recorded.questions().forEach(q -> recordedPoints.put(q.questionId(), new BigDecimal(q.points())));
                for (QuestionScore question : score.questions()) {
                    BigDecimal points = recordedPoints.get(question.questionId());
                    if (points == null || points.compareTo(question.points()) != 0) {
                        differences.add(new Difference(
                                session,
                                question.questionId(),
                                points == null ? "none" : points.toPlainString(),
                                question.points().toPlainString()));
                    }
                }
                if (new BigDecimal(recorded.total()).compareTo(score.total()) != 0) {
                    differences.add(new Difference(
                            session, "total", recorded.total(), score.total().toPlainString()));
                }
            }
        }
        return differences;
    }
}
