package io.amphi.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Answer;
import io.amphi.delivery.api.Events.AnswerSaved;
import io.amphi.delivery.api.Events.ExamContentPublished;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.Events.OfflineAnswer;
import io.amphi.delivery.api.Events.OfflineAnswersAccepted;
import io.amphi.delivery.api.Events.OfflineAnswersUploaded;
import io.amphi.delivery.api.Events.PublishedQuestion;
import io.amphi.delivery.api.Events.SealedSession;
import io.amphi.delivery.api.Events.SessionStarted;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.SubmissionCause;
import io.amphi.delivery.json.DeliveryJson;
import io.amphi.platform.audit.ChainConsumer;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.MerkleTree;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.platform.audit.PublicationSeal.QuestionPoints;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.audit.SubmissionReceipt;
import io.amphi.platform.axon.AxonJackson;
import io.amphi.scoring.api.QuestionKey;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import io.amphi.scoring.api.ScoringEvents.ResultsPublished;
import io.amphi.scoring.json.ScoringJson;
import io.amphi.scoring.rules.RuleSets;
import io.amphi.scoring.rules.SessionScorer;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A tiny exam built the way the platform builds one, with fixed ids and times, so that its export
 * and every intermediate hash are the same on every run: three candidates, a seal, an answer key,
 * a first publication, a correction and a second publication. The last candidate's page lost the
 * network at the end: a proctor uploaded its offline journal and accepted it, and that answer counts. The events are the platform's own
 * records serialised by the platform's own mapper; the hashes come from the platform's code.
 * The test vectors (services/audit/vectors) are this exam and copies of it tampered with.
 */
final class TinyExam {

    static final String EXAM = "tiny-2026";
    static final String SCORING = ScoringCommands.scoringId(EXAM);
    static final String CONTENT_RELEASE = ExamContentPublished.releaseId(EXAM, 1);
    /** The candidate whose page was offline when the time ran out, and the answer its journal kept. */
    static final String OFFLINE_CANDIDATE = "cand-c";

    static final String OFFLINE_QUESTION = "q3";
    static final Answer OFFLINE_ANSWER = new Answer.Text("HNF");
    static final Instant EXPORTED_AT = Instant.parse("2026-06-15T14:00:00Z");
    private static final Instant START = Instant.parse("2026-06-15T09:00:00Z");
    private static final ObjectMapper JSON =
            AxonJackson.objectMapper(List.of(DeliveryJson.module(), ScoringJson.module()));

    /** An event before the store chains it: the chain fills in its metadata and its hash. */
    record Draft(String aggregate, String aggregateType, Instant at, Object payload) {}

    final Map<String, List<StoredEvent>> chains = new LinkedHashMap<>();
    final List<ResultLine> results = new ArrayList<>();
    String examRoot;
    final List<String> publicationRoots = new ArrayList<>();

    private TinyExam() {}

    static Map<String, QuestionKey> firstKey() {
        Map<String, QuestionKey> key = new LinkedHashMap<>();
        key.put("q1", new QuestionKey.SingleBestAnswer("B"));
        key.put("q2", new QuestionKey.MultipleResponse(Set.of("A", "C"), Set.of("A"), Set.of("D")));
        key.put("q3", new QuestionKey.ShortText(List.of("HNF")));
        return key;
    }

    /** The correction: q1 had two right answers and is neutralised. */
    static Map<String, QuestionKey> correctedKey() {
        Map<String, QuestionKey> key = new LinkedHashMap<>(firstKey());
        key.put("q1", new QuestionKey.Neutralised(new QuestionKey.SingleBestAnswer("B"), "two right answers"));
        return key;
    }

    static Map<String, Map<String, Answer>> standardAnswers() {
        Map<String, Map<String, Answer>> answers = new TreeMap<>();
        answers.put(
                "cand-a",
                answers(
                        new Answer.Choices(List.of("B")),
                        new Answer.Choices(List.of("A", "C")),
                        new Answer.Text("hnf")));
        answers.put(
                "cand-b",
                answers(
                        new Answer.Choices(List.of("A")),
                        new Answer.Choices(List.of("A")),
                        new Answer.Text("pyelonephritis")));
        answers.put(
                "cand-c", answers(new Answer.Choices(List.of("B")), new Answer.Choices(List.of("A", "C", "D")), null));
        return answers;
    }

    private static Map<String, Answer> answers(Answer q1, Answer q2, Answer q3) {
        Map<String, Answer> answers = new LinkedHashMap<>();
        answers.put("q1", q1);
        answers.put("q2", q2);
        if (q3 != null) {
            answers.put("q3", q3);
        }
        return answers;
    }

    static TinyExam standard() {
        return build(standardAnswers(), correctedKey());
    }

    /** The whole exam, every hash computed as the store computes it. */
    static TinyExam build(Map<String, Map<String, Answer>> answersByCandidate, Map<String, QuestionKey> secondKey) {
        TinyExam exam = new TinyExam();
        List<SealedSession> sealed = new ArrayList<>();
        Map<String, List<StoredEvent>> sessions = new TreeMap<>(MerkleTree.UTF8_ORDER);
        int candidateNumber = 0;
        Map<String, Map<String, Answer>> scored = new TreeMap<>();
        for (Map.Entry<String, Map<String, Answer>> candidate : answersByCandidate.entrySet()) {
            String sessionId = EXAM + ":" + candidate.getKey();
            Instant started = START.plusSeconds(60L * candidateNumber++);
            List<Draft> drafts = new ArrayList<>();
            drafts.add(new Draft(
                    sessionId,
                    "ExamSession",
                    started,
                    new SessionStarted(
                            sessionId,
                            EXAM,
                            1,
                            candidate.getKey(),
                            started,
                            Duration.ZERO,
                            started.plus(Duration.ofHours(2)))));
            long saveNumber = 1;
            for (Map.Entry<String, Answer> answer : candidate.getValue().entrySet()) {
                Instant at = started.plusSeconds(30 * saveNumber);
                drafts.add(new Draft(
                        sessionId,
                        "ExamSession",
                        at,
                        new AnswerSaved(sessionId, answer.getKey(), saveNumber++, answer.getValue(), at)));
            }
            if (candidate.getKey().equals(OFFLINE_CANDIDATE)) {
                Instant deadline = started.plus(Duration.ofHours(2));
                Instant uploaded = deadline.plus(Duration.ofMinutes(15));
                OfflineAnswer offline =
                        new OfflineAnswer(OFFLINE_QUESTION, saveNumber, OFFLINE_ANSWER, deadline.minusSeconds(40));
                drafts.add(new Draft(
                        sessionId,
                        "ExamSession",
                        deadline.plus(Duration.ofSeconds(11)),
                        new SessionSubmitted(
                                sessionId, SubmissionCause.DEADLINE, deadline, deadline.plus(Duration.ofSeconds(11)))));
                drafts.add(new Draft(
                        sessionId,
                        "ExamSession",
                        uploaded,
                        new OfflineAnswersUploaded(
                                sessionId, "5e".repeat(32), List.of(offline), "proctor-room-2", uploaded)));
                Instant accepted = uploaded.plus(Duration.ofMinutes(5));
                drafts.add(new Draft(
                        sessionId,
                        "ExamSession",
                        accepted,
                        new OfflineAnswersAccepted(
                                sessionId,
                                "5e".repeat(32),
                                List.of(offline),
                                "network down in room 2 from 10:58, witnessed",
                                "proctor-room-2",
                                accepted)));
                scored.put(candidate.getKey(), withOffline(candidate.getValue()));
            } else {
                Instant submitted = started.plus(Duration.ofMinutes(90));
                drafts.add(new Draft(
                        sessionId,
                        "ExamSession",
                        submitted,
                        new SessionSubmitted(sessionId, SubmissionCause.CANDIDATE, submitted, submitted)));
                scored.put(candidate.getKey(), candidate.getValue());
            }
            List<StoredEvent> chain = chain(drafts);
            sessions.put(sessionId, chain);
            sealed.add(new SealedSession(
                    sessionId,
                    chain.getLast().sequenceNumber(),
                    EventHashes.hex(chain.getLast().chainHash())));
        }
        exam.examRoot = EventHashes.hex(MerkleTree.root(sealed.stream()
                .map(s -> new MerkleTree.Leaf(s.sessionId(), s.lastSequence(), EventHashes.fromHex(s.finalHash())))
                .toList()));
        Instant sealedAt = START.plus(Duration.ofHours(3));
        exam.chains.put(
                EXAM,
                chain(List.of(new Draft(
                        EXAM, "Exam", sealedAt, new ExamSealed(EXAM, exam.examRoot, sealed, sealedAt, "univ-paris")))));

        List<StoredEvent> scoring = new ArrayList<>();
        Instant keyedAt = sealedAt.plus(Duration.ofDays(1));
        scoring = append(
                scoring,
                new Draft(
                        SCORING,
                        "ExamScoring",
                        keyedAt,
                        new AnswerKeyPublished(
                                EXAM, 1, 1, firstKey(), "edn-v1", "initial key", keyedAt, "univ-paris")));
        scoring = exam.publish(scoring, sessions, scored, firstKey(), 1, keyedAt.plus(Duration.ofDays(1)));
        Instant correctedAt = keyedAt.plus(Duration.ofDays(2));
        scoring = append(
                scoring,
                new Draft(
                        SCORING,
                        "ExamScoring",
                        correctedAt,
                        new AnswerKeyPublished(
                                EXAM,
                                2,
                                1,
                                secondKey,
                                "edn-v1",
                                "q1 had two right answers",
                                correctedAt,
                                "univ-paris")));
        scoring = exam.publish(scoring, sessions, scored, secondKey, 2, correctedAt.plus(Duration.ofDays(1)));
        exam.chains.put(SCORING, scoring);
        exam.chains.put(CONTENT_RELEASE, contentRelease());
        exam.chains.putAll(sessions);
        return exam;
    }

    /** The one content version every session sat, published the day before. */
    private static List<StoredEvent> contentRelease() {
        Instant publishedAt = START.minus(Duration.ofDays(1));
        return chain(List.of(new Draft(
                CONTENT_RELEASE,
                "ExamContentRelease",
                publishedAt,
                new ExamContentPublished(
                        EXAM,
                        1,
                        "3d".repeat(32),
                        List.of(
                                new PublishedQuestion("q1", "single-best-answer", List.of("A", "B", "C"), List.of()),
                                new PublishedQuestion(
                                        "q2", "multiple-response", List.of("A", "B", "C", "D"), List.of()),
                                new PublishedQuestion("q3", "short-text", List.of(), List.of())),
                        publishedAt))));
    }

    private static Map<String, Answer> withOffline(Map<String, Answer> saved) {
        Map<String, Answer> answers = new LinkedHashMap<>(saved);
        answers.put(OFFLINE_QUESTION, OFFLINE_ANSWER);
        return answers;
    }

    /** Scores every session under a key, records the results and appends their sealed publication. */
    private List<StoredEvent> publish(
            List<StoredEvent> scoring,
            Map<String, List<StoredEvent>> sessions,
            Map<String, Map<String, Answer>> answersByCandidate,
            Map<String, QuestionKey> key,
            int keyVersion,
            Instant at) {
        results.clear();
        answersByCandidate.forEach((candidate, answers) -> {
            String sessionId = EXAM + ":" + candidate;
            SessionScorer.SessionScore score = SessionScorer.score(
                    key, answers, RuleSets.byVersion("edn-v1").orElseThrow());
            StoredEvent last = sessions.get(sessionId).getLast();
            results.add(new ResultLine(
                    sessionId,
                    keyVersion,
                    "edn-v1",
                    last.sequenceNumber(),
                    last.chainHash(),
                    score.total().setScale(3, RoundingMode.UNNECESSARY).toPlainString(),
                    score.questions().stream()
                            .map(q -> new QuestionPoints(
                                    q.questionId(),
                                    q.points()
                                            .setScale(3, RoundingMode.UNNECESSARY)
                                            .toPlainString()))
                            .toList()));
        });
        int number = publicationRoots.size() + 1;
        String previous = number == 1 ? EventHashes.hex(PublicationSeal.NO_PREVIOUS) : publicationRoots.getLast();
        StoredEvent before = scoring.getLast();
        String resultsRoot = EventHashes.hex(PublicationSeal.resultsRoot(results));
        String root = EventHashes.hex(PublicationSeal.root(new PublicationSeal.Publication(
                EXAM,
                number,
                EventHashes.fromHex(previous),
                EventHashes.fromHex(examRoot),
                before.sequenceNumber(),
                before.chainHash(),
                keyVersion,
                "edn-v1",
                results.size(),
                EventHashes.fromHex(resultsRoot))));
        publicationRoots.add(root);
        return append(
                scoring,
                new Draft(
                        SCORING,
                        "ExamScoring",
                        at,
                        new ResultsPublished(
                                EXAM,
                                keyVersion,
                                "edn-v1",
                                at,
                                "univ-paris",
                                number,
                                previous,
                                examRoot,
                                before.sequenceNumber(),
                                EventHashes.hex(before.chainHash()),
                                results.size(),
                                resultsRoot,
                                root)));
    }

    private static List<StoredEvent> append(List<StoredEvent> chain, Draft draft) {
        List<StoredEvent> longer = new ArrayList<>(chain);
        longer.add(chained(
                draft,
                chain.size(),
                chain.isEmpty() ? EventHashes.GENESIS : chain.getLast().chainHash()));
        return longer;
    }

    static List<StoredEvent> chain(List<Draft> drafts) {
        List<StoredEvent> chain = new ArrayList<>();
        for (Draft draft : drafts) {
            chain = append(chain, draft);
        }
        return chain;
    }

    private static StoredEvent chained(Draft draft, long sequence, byte[] previous) {
        String eventId =
                "%08x-0000-4000-8000-%012x".formatted(Math.abs(draft.aggregate().hashCode()), sequence);
        StoredEvent event = new StoredEvent(
                eventId,
                draft.aggregate(),
                sequence,
                draft.aggregateType(),
                draft.at().toString(),
                draft.payload().getClass().getName(),
                null,
                json(draft.payload()),
                ("{\"traceId\":\"" + eventId + "\",\"" + EventHashes.PREVIOUS_HASH + "\":\"" + EventHashes.hex(previous)
                                + "\"}")
                        .getBytes(StandardCharsets.UTF_8),
                null);
        return withHash(event, EventHashes.hash(previous, event));
    }

    /** A chain recomputed from its first event as someone rewriting the store would: every link and hash made to fit. */
    static List<StoredEvent> rehash(List<StoredEvent> events) {
        List<StoredEvent> chain = new ArrayList<>();
        byte[] previous = EventHashes.GENESIS;
        for (StoredEvent event : events) {
            String metaData = new String(event.metaData(), StandardCharsets.UTF_8)
                    .replaceAll(
                            "\"previousHash\":\"[0-9a-f]{64}\"",
                            "\"previousHash\":\"" + EventHashes.hex(previous) + "\"");
            StoredEvent relinked = new StoredEvent(
                    event.eventIdentifier(),
                    event.aggregateIdentifier(),
                    event.sequenceNumber(),
                    event.type(),
                    event.timestamp(),
                    event.payloadType(),
                    event.payloadRevision(),
                    event.payload(),
                    metaData.getBytes(StandardCharsets.UTF_8),
                    null);
            previous = EventHashes.hash(previous, relinked);
            chain.add(withHash(relinked, previous));
        }
        return chain;
    }

    static StoredEvent withHash(StoredEvent e, byte[] hash) {
        return new StoredEvent(
                e.eventIdentifier(),
                e.aggregateIdentifier(),
                e.sequenceNumber(),
                e.type(),
                e.timestamp(),
                e.payloadType(),
                e.payloadRevision(),
                e.payload(),
                e.metaData(),
                hash);
    }

    static StoredEvent withPayload(StoredEvent e, UnaryOperator<String> change) {
        return new StoredEvent(
                e.eventIdentifier(),
                e.aggregateIdentifier(),
                e.sequenceNumber(),
                e.type(),
                e.timestamp(),
                e.payloadType(),
                e.payloadRevision(),
                change.apply(new String(e.payload(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
                e.metaData(),
                e.chainHash());
    }

    static StoredEvent atSequence(StoredEvent e, long sequence) {
        return new StoredEvent(
                e.eventIdentifier(),
                e.aggregateIdentifier(),
                sequence,
                e.type(),
                e.timestamp(),
                e.payloadType(),
                e.payloadRevision(),
                e.payload(),
                e.metaData(),
                e.chainHash());
    }

    /** The receipt the platform gives when a session is handed in, signed with a test key. */
    static SubmissionReceipt receipt(String sessionId, TestKeys.Key key) {
        StoredEvent last = standard().chains.get(sessionId).getLast();
        String submittedAt =
                new String(last.payload(), StandardCharsets.UTF_8).replaceAll(".*\"submittedAt\":\"([^\"]+)\".*", "$1");
        return SubmissionReceipt.sign(
                sessionId,
                last.sequenceNumber(),
                EventHashes.hex(last.chainHash()),
                submittedAt,
                key.keyId(),
                key.pair().getPrivate());
    }

    private static byte[] json(Object payload) {
        try {
            return JSON.writeValueAsBytes(payload);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The exam as a log: its runs of events in the order given (tampered copies may repeat or reorder them). */
    static ExamLog log(List<List<StoredEvent>> runs, List<ResultLine> results) {
        return new ExamLog() {
            @Override
            public String examId() {
                return EXAM;
            }

            @Override
            public String origin() {
                return "the tiny exam of the test vectors";
            }

            @Override
            public long eventCount() {
                return runs.stream().mapToLong(List::size).sum();
            }

            @Override
            public void forEachChain(ChainConsumer<Exception> consumer) throws Exception {
                for (List<StoredEvent> run : runs) {
                    consumer.accept(run);
                }
            }

            @Override
            public List<ResultLine> results() {
                return results;
            }

            @Override
            public void close() {}
        };
    }

    ExamLog log() {
        return log(new ArrayList<>(chains.values()), results);
    }
}
