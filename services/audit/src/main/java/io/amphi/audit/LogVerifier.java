package io.amphi.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.amphi.delivery.api.Events.ExamContentPublished;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.Events.OfflineAnswersAccepted;
import io.amphi.delivery.api.Events.OfflineAnswersRejected;
import io.amphi.delivery.api.Events.OfflineAnswersUploaded;
import io.amphi.delivery.api.Events.SessionSubmitted;
import io.amphi.delivery.api.PublishedEvents;
import io.amphi.delivery.api.SessionIds;
import io.amphi.platform.audit.AuditJson;
import io.amphi.platform.audit.ChainVerifier;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.MerkleTree;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringEvents;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import io.amphi.scoring.api.ScoringEvents.ResultsPublished;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies an exam's log as AUDIT-FORMAT.md ("Verifying") specifies, step by step and in its
 * order: each run of events, the counts a file declares, the exam's seal, the chain of
 * publications and the results the latest one covers, then the roots published outside the
 * platform. Every discrepancy names its aggregate, its event, what was expected and what was found.
 */
final class LogVerifier {

    /** One thing wrong with the log. */
    record Discrepancy(String aggregate, String event, String problem, String detail) {}

    enum SealStatus {
        /** The recorded seal matches the log (and the published root, when one was given). */
        MATCHES,
        /** The exam has not been sealed: chains are checked, a deleted last event cannot be seen. */
        NOT_SEALED,
        /** The log does not give the recorded seal, or the seal is not the published one. */
        DIFFERS
    }

    /** What the log's latest publication seals, and whether the results in the log are those. */
    record PublicationStatus(int publications, String latestRoot, int keyVersion, String results) {}

    record Report(
            String examId,
            String origin,
            int sessions,
            long events,
            int intactSessions,
            List<Discrepancy> discrepancies,
            SealStatus seal,
            String recordedRoot,
            String recomputedRoot,
            PublicationStatus publication,
            Duration took) {

        boolean clean() {
            return discrepancies.isEmpty();
        }
    }

    private record SessionState(long lastSequence, byte[] finalHash, boolean intact) {}

    private static final String SEALED = PublishedEvents.nameOf(ExamSealed.class);
    private static final String CONTENT_PUBLISHED = PublishedEvents.nameOf(ExamContentPublished.class);
    private static final String SUBMITTED = PublishedEvents.nameOf(SessionSubmitted.class);
    private static final String JOURNAL_UPLOADED = PublishedEvents.nameOf(OfflineAnswersUploaded.class);
    private static final String JOURNAL_ACCEPTED = PublishedEvents.nameOf(OfflineAnswersAccepted.class);
    private static final String JOURNAL_REJECTED = PublishedEvents.nameOf(OfflineAnswersRejected.class);
    private static final String KEY_PUBLISHED = ScoringEvents.nameOf(AnswerKeyPublished.class);
    private static final String RESULTS_PUBLISHED = ScoringEvents.nameOf(ResultsPublished.class);

    private LogVerifier() {}

    /**
     * @param publishedRoot            the exam root published outside the platform at sealing, or {@code null}
     * @param publishedPublicationRoot the latest publication root published outside the platform, or {@code null}
     */
    static Report verify(ExamLog log, String publishedRoot, String publishedPublicationRoot, Progress progress)
            throws Exception {
        long start = System.nanoTime();
        String examId = log.examId();
        String scoringId = ScoringCommands.scoringId(examId);
        Map<String, SessionState> sessions = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        List<Discrepancy> found = new ArrayList<>();
        List<List<StoredEvent>> examAndScoring = new ArrayList<>(List.of(List.of(), List.of()));
        boolean[] scoringIntact = {true};
        long[] events = {0};
        log.forEachChain(chain -> {
            String aggregate = chain.getFirst().aggregateIdentifier();
            boolean first = seen.add(aggregate);
            if (!first) {
                found.add(new Discrepancy(
                        aggregate,
                        Long.toString(chain.getFirst().sequenceNumber()),
                        "AGGREGATE_REPEATED",
                        "its events appear in more than one block of the file; the first counts"));
            }
            ChainVerifier.Result result = ChainVerifier.verify(aggregate, chain);
            result.finding()
                    .ifPresent(f -> found.add(new Discrepancy(
                            aggregate,
                            Long.toString(f.sequenceNumber()),
                            f.problem().name(),
                            f.describe())));
            if (aggregate.equals(examId)) {
                if (first) {
                    examAndScoring.set(0, chain);
                }
            } else if (aggregate.equals(scoringId)) {
                if (first) {
                    examAndScoring.set(1, chain);
                    scoringIntact[0] = result.intact();
                }
            } else if (SessionIds.isSessionOf(aggregate, examId)) {
                if (first) {
                    sessions.put(
                            aggregate,
                            new SessionState(
                                    result.lastSequence(),
                                    result.finalHash() == null ? EventHashes.GENESIS : result.finalHash(),
                                    result.intact()));
                    if (result.intact()) {
                        journalProblem(aggregate, chain).ifPresent(found::add);
                    }
                }
            } else if (aggregate.startsWith(ExamContentPublished.releasePrefixOf(examId))) {
                if (first && result.intact()) {
                    contentProblem(examId, aggregate, chain).ifPresent(found::add);
                }
            } else {
                found.add(new Discrepancy(aggregate, "-", "FOREIGN", "not an aggregate of exam " + examId));
            }
            events[0] += chain.size();
            progress.advance(chain.size());
        });
        progress.finish();
        List<ResultLine> results = log.results();
        checkCounts(log, examId, events[0], results, found);

        List<StoredEvent> scoring = examAndScoring.get(1);
        boolean allIntact = sessions.values().stream().allMatch(SessionState::intact);
        byte[] recomputed = MerkleTree.root(sessions.entrySet().stream()
                .map(s -> new MerkleTree.Leaf(
                        s.getKey(), s.getValue().lastSequence(), s.getValue().finalHash()))
                .toList());
        List<StoredEvent> seals = examAndScoring.getFirst().stream()
                .filter(e -> SEALED.equals(e.payloadType()))
                .toList();
        SealStatus status = SealStatus.NOT_SEALED;
        String recordedRoot = null;
        if (!seals.isEmpty()) {
            seals.stream()
                    .skip(1)
                    .forEach(e -> found.add(new Discrepancy(
                            examId,
                            Long.toString(e.sequenceNumber()),
                            "SEAL_REPEATED",
                            "the exam is sealed once; this is another seal")));
            int before = found.size();
            JsonNode seal = sealPayload(seals.getFirst());
            if (readableSeal(seal)) {
                recordedRoot = seal.get("merkleRoot").textValue();
                checkSeal(examId, seals.getFirst(), seal, sessions, found);
            } else {
                found.add(new Discrepancy(
                        examId,
                        Long.toString(seals.getFirst().sequenceNumber()),
                        "SEAL_INCONSISTENT",
                        "the seal does not record a merkleRoot and its sessions as AUDIT-FORMAT.md defines them"));
            }
            if (found.size() == before && !EventHashes.hex(recomputed).equals(recordedRoot)) {
                found.add(new Discrepancy(
                        examId,
                        Long.toString(seals.getFirst().sequenceNumber()),
                        "SEAL_DIFFERS",
                        "the sessions give root " + EventHashes.hex(recomputed) + ", the seal records "
                                + recordedRoot));
            }
            status = found.size() == before && seals.size() == 1 ? SealStatus.MATCHES : SealStatus.DIFFERS;
        } else if (scoring.stream().anyMatch(e -> KEY_PUBLISHED.equals(e.payloadType()))) {
            found.add(new Discrepancy(
                    examId,
                    "-",
                    "SEAL_MISSING",
                    "answer keys were published, which happens only " + "after sealing, but the log holds no seal"));
            status = SealStatus.DIFFERS;
        }
        PublicationStatus publication =
                checkPublications(scoringId, scoring, scoringIntact[0], recordedRoot, results, found);

        String examRoot = recordedRoot != null ? recordedRoot : EventHashes.hex(recomputed);
        if (publishedRoot != null && !publishedRoot.equalsIgnoreCase(examRoot)) {
            found.add(new Discrepancy(
                    examId,
                    "-",
                    "NOT_THE_PUBLISHED_SEAL",
                    "the published root is " + publishedRoot + ", this log gives " + examRoot));
            status = SealStatus.DIFFERS;
        }
        if (publishedPublicationRoot != null
                && (publication.latestRoot() == null
                        || !publishedPublicationRoot.equalsIgnoreCase(publication.latestRoot()))) {
            found.add(new Discrepancy(
                    scoringId,
                    "-",
                    "NOT_THE_PUBLISHED_PUBLICATION",
                    "the published publication "
                            + "root is " + publishedPublicationRoot + ", "
                            + (publication.latestRoot() == null
                                    ? "this log holds no publication"
                                    : "this log's latest is " + publication.latestRoot())));
        }
        int intact =
                (int) sessions.values().stream().filter(SessionState::intact).count();
        return new Report(
                examId,
                log.origin(),
                sessions.size(),
                events[0],
                intact,
                found,
                status,
                recordedRoot,
                allIntact ? EventHashes.hex(recomputed) : null,
                publication,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** A file's header declares how many event and result lines follow; each session has one result. */
    private static void checkCounts(
            ExamLog log, String examId, long events, List<ResultLine> results, List<Discrepancy> found) {
        log.declaredEvents().ifPresent(declared -> {
            if (declared != events) {
                found.add(new Discrepancy(
                        examId,
                        "-",
                        "EVENT_COUNT",
                        "the header declares %d events, the file holds %d".formatted(declared, events)));
            }
        });
        log.declaredResults().ifPresent(declared -> {
            if (declared != results.size()) {
                found.add(new Discrepancy(
                        examId,
                        "-",
                        "RESULT_COUNT",
                        "the header declares %d results, the file holds %d".formatted(declared, results.size())));
            }
        });
        Set<String> sessions = new HashSet<>();
        results.stream()
                .map(ResultLine::sessionId)
                .filter(session -> !sessions.add(session))
                .distinct()
                .forEach(session -> found.add(
                        new Discrepancy(session, "-", "RESULT_REPEATED", "the session has more than one result line")));
    }

    /** A root of 64 lowercase hex digits and a list of sessions, each with its id, last sequence and final hash. */
    static boolean readableSeal(JsonNode seal) {
        if (!isHash(seal.get("merkleRoot"))
                || seal.get("sessions") == null
                || !seal.get("sessions").isArray()) {
            return false;
        }
        for (JsonNode sealed : seal.get("sessions")) {
            if (!sealed.isObject()
                    || sealed.get("sessionId") == null
                    || !sealed.get("sessionId").isTextual()
                    || !AuditJson.isWhole(sealed.get("lastSequence"))
                    || !isHash(sealed.get("finalHash"))) {
                return false;
            }
        }
        return true;
    }

    /** A seal's payload as JSON (missing when it is not JSON as the specification reads it). */
    static JsonNode sealPayload(StoredEvent seal) {
        return json(seal.payload());
    }

    private static boolean isHash(JsonNode node) {
        return node != null && node.isTextual() && EventHashes.isHash(node.textValue());
    }

    /** Each session the seal lists must end where it ended when sealed; no session may be added. */
    private static void checkSeal(
            String examId,
            StoredEvent sealEvent,
            JsonNode seal,
            Map<String, SessionState> sessions,
            List<Discrepancy> found) {
        List<MerkleTree.Leaf> leaves = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (JsonNode sealed : seal.path("sessions")) {
            String id = sealed.get("sessionId").textValue();
            long lastSequence = sealed.get("lastSequence").longValue();
            byte[] finalHash = EventHashes.fromHex(sealed.get("finalHash").textValue());
            leaves.add(new MerkleTree.Leaf(id, lastSequence, finalHash));
            listed.add(id);
            SessionState state = sessions.get(id);
            if (state == null) {
                found.add(new Discrepancy(
                        id,
                        "-",
                        "MISSING_SESSION",
                        "sealed with %d events, absent from the log".formatted(lastSequence + 1)));
            } else if (state.intact()
                    && (state.lastSequence() != lastSequence || !Arrays.equals(state.finalHash(), finalHash))) {
                found.add(new Discrepancy(
                        id,
                        Long.toString(lastSequence),
                        "CHANGED_AFTER_SEAL",
                        "sealed with last event %d (hash %s), found last event %d (hash %s)"
                                .formatted(
                                        lastSequence,
                                        EventHashes.hex(finalHash),
                                        state.lastSequence(),
                                        EventHashes.hex(state.finalHash()))));
            }
        }
        sessions.keySet().stream()
                .filter(id -> !listed.contains(id))
                .forEach(id ->
                        found.add(new Discrepancy(id, "-", "NOT_IN_SEAL", "the session is not covered by the seal")));
        String leavesRoot = EventHashes.hex(MerkleTree.root(leaves));
        if (!leavesRoot.equals(seal.get("merkleRoot").textValue())) {
            found.add(new Discrepancy(
                    examId,
                    Long.toString(sealEvent.sequenceNumber()),
                    "SEAL_INCONSISTENT",
                    "the seal's sessions give root " + leavesRoot + ", the seal records "
                            + seal.get("merkleRoot").textValue()));
        }
    }

    /**
     * Each publication must recompute to its own root, follow the previous one, name the exam's
     * seal, the scoring stream just before it and the latest key; the latest must cover the
     * results in the log, unless a key was published after it (results not published yet).
     */
    private static PublicationStatus checkPublications(
            String scoringId,
            List<StoredEvent> scoring,
            boolean intact,
            String examRoot,
            List<ResultLine> results,
            List<Discrepancy> found) {
        int latestKey = 0;
        String latestRuleSet = null;
        int number = 0;
        byte[] previousRoot = PublicationSeal.NO_PREVIOUS;
        JsonNode latest = null;
        StoredEvent latestEvent = null;
        StoredEvent before = null;
        for (StoredEvent event : scoring) {
            if (KEY_PUBLISHED.equals(event.payloadType())) {
                JsonNode key = json(event.payload());
                latestKey = wholeOrZero(key.get("keyVersion"));
                latestRuleSet = key.path("ruleSet").textValue();
            } else if (RESULTS_PUBLISHED.equals(event.payloadType())) {
                JsonNode published = json(event.payload());
                String problem = publicationProblem(
                        scoringId,
                        published,
                        number + 1,
                        previousRoot,
                        examRoot,
                        before,
                        intact,
                        latestKey,
                        latestRuleSet);
                if (problem != null) {
                    found.add(new Discrepancy(
                            scoringId, Long.toString(event.sequenceNumber()), "PUBLICATION_INCONSISTENT", problem));
                }
                number++;
                previousRoot = hashOrZero(published.path("publicationRoot").textValue());
                latest = published;
                latestEvent = event;
            }
            before = event;
        }
        if (latest == null) {
            return new PublicationStatus(0, null, 0, results.isEmpty() ? "none" : "not published");
        }
        String latestRoot = latest.path("publicationRoot").textValue();
        int publishedKey = wholeOrZero(latest.get("keyVersion"));
        if (latestKey > publishedKey) {
            return new PublicationStatus(
                    number,
                    latestRoot,
                    publishedKey,
                    "key version " + latestKey + " not published yet: results not covered");
        }
        String resultsRoot = EventHashes.hex(PublicationSeal.resultsRoot(results));
        if (!resultsRoot.equals(latest.path("resultsRoot").textValue())
                || !AuditJson.isWhole(latest.get("results"))
                || results.size() != latest.get("results").longValue()) {
            found.add(new Discrepancy(
                    scoringId,
                    Long.toString(latestEvent.sequenceNumber()),
                    "RESULTS_DIFFER",
                    "the publication covers %s results with root %s; the log holds %d with root %s"
                            .formatted(
                                    latest.path("results").asText(),
                                    latest.path("resultsRoot").asText(),
                                    results.size(),
                                    resultsRoot)));
            return new PublicationStatus(number, latestRoot, publishedKey, "DIFFER from the publication");
        }
        return new PublicationStatus(number, latestRoot, publishedKey, "covered by the latest publication");
    }

    /** Why a publication does not hold, or {@code null} when it does. */
    private static String publicationProblem(
            String scoringId,
            JsonNode published,
            int number,
            byte[] previousRoot,
            String examRoot,
            StoredEvent before,
            boolean intact,
            int latestKey,
            String latestRuleSet) {
        for (String field : List.of("previousRoot", "examRoot", "scoringFinalHash", "resultsRoot", "publicationRoot")) {
            if (!isHash(published.get(field))) {
                return "it records no " + field + " of 64 lowercase hex digits";
            }
        }
        for (String field : List.of("publication", "keyVersion", "results")) {
            if (!AuditJson.isWhole(published.get(field)) || published.get(field).longValue() > Integer.MAX_VALUE) {
                return "it records no " + field + " from 0 to 2^31-1";
            }
        }
        if (!AuditJson.isWhole(published.get("scoringLastSequence"))) {
            return "it records no scoringLastSequence";
        }
        if (published.get("ruleSet") == null
                || !published.get("ruleSet").isTextual()
                || published.get("examId") == null
                || !scoringId.equals(
                        ScoringCommands.scoringId(published.get("examId").asText()))
                || !published.get("examId").isTextual()) {
            return "it records no rule set, or another exam's id";
        }
        PublicationSeal.Publication sealed = new PublicationSeal.Publication(
                published.path("examId").asText(),
                published.path("publication").intValue(),
                EventHashes.fromHex(published.path("previousRoot").textValue()),
                EventHashes.fromHex(published.path("examRoot").textValue()),
                published.path("scoringLastSequence").longValue(),
                EventHashes.fromHex(published.path("scoringFinalHash").textValue()),
                published.path("keyVersion").intValue(),
                published.path("ruleSet").textValue(),
                published.path("results").intValue(),
                EventHashes.fromHex(published.path("resultsRoot").textValue()));
        String recomputed = EventHashes.hex(PublicationSeal.root(sealed));
        if (!recomputed.equals(published.path("publicationRoot").textValue())) {
            return "its fields give root " + recomputed + ", it records "
                    + published.path("publicationRoot").textValue();
        }
        if (sealed.number() != number || !Arrays.equals(sealed.previousRoot(), previousRoot)) {
            return "it is publication %d following root %s; the log's previous publication makes it %d following %s"
                    .formatted(
                            sealed.number(),
                            EventHashes.hex(sealed.previousRoot()),
                            number,
                            EventHashes.hex(previousRoot));
        }
        if (!published.path("examRoot").textValue().equals(examRoot)) {
            return "it names exam root " + published.path("examRoot").textValue() + ", the exam's seal records "
                    + (examRoot == null ? "nothing" : examRoot);
        }
        if (intact
                && (before == null
                        || before.sequenceNumber() != sealed.scoringLastSequence()
                        || !Arrays.equals(before.chainHash(), sealed.scoringFinalHash()))) {
            return "it seals the scoring stream up to event %d with hash %s; the stream before it is %s"
                    .formatted(
                            sealed.scoringLastSequence(),
                            EventHashes.hex(sealed.scoringFinalHash()),
                            before == null
                                    ? "empty"
                                    : "event %d with hash %s"
                                            .formatted(before.sequenceNumber(), EventHashes.hex(before.chainHash())));
        }
        if (sealed.keyVersion() != latestKey || !sealed.ruleSet().equals(latestRuleSet)) {
            return "it publishes key version %d under %s; the latest key before it is version %d under %s"
                    .formatted(sealed.keyVersion(), sealed.ruleSet(), latestKey, latestRuleSet);
        }
        return null;
    }

    /** A whole number that fits 32 bits, or 0 for anything else. */
    private static int wholeOrZero(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToInt() ? node.intValue() : 0;
    }

    private static byte[] hashOrZero(String hex) {
        return EventHashes.isHash(hex) ? EventHashes.fromHex(hex) : new byte[32];
    }

    /**
     * A content release as AUDIT-FORMAT.md section 8 step 1.5 requires it: one event, the exam's
     * content published under the version its aggregate names, with the SHA-256 of the exam file.
     */
    private static Optional<Discrepancy> contentProblem(String examId, String release, List<StoredEvent> chain) {
        StoredEvent event = chain.getFirst();
        JsonNode payload = json(event.payload());
        String problem = null;
        if (chain.size() != 1) {
            problem = "a content release holds one event; this one holds " + chain.size();
        } else if (!CONTENT_PUBLISHED.equals(event.payloadType())) {
            problem = "a content release's event is " + CONTENT_PUBLISHED;
        } else if (!examId.equals(payload.path("examId").textValue())) {
            problem = "the content published is not of exam " + examId;
        } else if (!AuditJson.isWhole(payload.get("contentVersion"))
                || !release.equals(ExamContentPublished.releasePrefixOf(examId)
                        + payload.get("contentVersion").asText())) {
            problem = "the content version is not the one the release's id names";
        } else if (!isHash(payload.get("contentSha256"))) {
            problem = "contentSha256 is not 64 lowercase hex digits";
        }
        return Optional.ofNullable(problem)
                .map(why ->
                        new Discrepancy(release, Long.toString(event.sequenceNumber()), "CONTENT_INCONSISTENT", why));
    }

    /**
     * Offline journal events as AUDIT-FORMAT.md section 8 step 1.4 allows them: after the session was
     * handed in at its deadline, each upload once, each decision once and about an upload of the
     * session, and an accepted answer one the upload holds.
     */
    private static Optional<Discrepancy> journalProblem(String session, List<StoredEvent> chain) {
        boolean submitted = false;
        boolean atDeadline = false;
        Map<String, JsonNode> uploads = new HashMap<>();
        Set<String> decided = new HashSet<>();
        for (StoredEvent event : chain) {
            String type = event.payloadType();
            if (SUBMITTED.equals(type)) {
                submitted = true;
                atDeadline =
                        "DEADLINE".equals(json(event.payload()).path("cause").textValue());
                continue;
            }
            if (!JOURNAL_UPLOADED.equals(type) && !JOURNAL_ACCEPTED.equals(type) && !JOURNAL_REJECTED.equals(type)) {
                continue;
            }
            String problem = null;
            JsonNode payload = json(event.payload());
            String uploadId = payload.path("uploadId").isTextual()
                    ? payload.get("uploadId").textValue()
                    : null;
            if (!submitted) {
                problem = "an offline journal event before the session was handed in";
            } else if (!atDeadline) {
                problem = "an offline journal of a session its candidate handed in";
            } else if (uploadId == null) {
                problem = "an offline journal event without its upload id";
            } else if (JOURNAL_UPLOADED.equals(type)) {
                problem = uploads.putIfAbsent(uploadId, array(payload.path("entries"))) == null
                        ? null
                        : "the same journal uploaded twice";
            } else if (!uploads.containsKey(uploadId)) {
                problem = "a decision about a journal the session has no upload of";
            } else if (!decided.add(uploadId)) {
                problem = "a second decision about one journal";
            } else if (JOURNAL_ACCEPTED.equals(type)) {
                for (JsonNode answer : array(payload.path("applied"))) {
                    boolean held = false;
                    for (JsonNode entry : uploads.get(uploadId)) {
                        held |= sameJson(answer, entry);
                    }
                    if (!held) {
                        problem = "an accepted answer the upload does not hold";
                    }
                }
            }
            if (problem != null) {
                return Optional.of(new Discrepancy(
                        session, Long.toString(event.sequenceNumber()), "JOURNAL_INCONSISTENT", problem));
            }
        }
        return Optional.empty();
    }

    /** An array's elements; nothing for any other value. */
    private static JsonNode array(JsonNode node) {
        return node.isArray() ? node : MissingNode.getInstance();
    }

    /**
     * Equal as section 8 step 1.4 defines it: the same type, object members in any order, whole
     * numbers by value; a number with a fraction or an exponent equals nothing.
     */
    private static boolean sameJson(JsonNode a, JsonNode b) {
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isNumber()) {
            return a.isIntegralNumber()
                    && b.isIntegralNumber()
                    && a.bigIntegerValue().equals(b.bigIntegerValue());
        }
        if (a.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameJson(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> member : a.properties()) {
                if (!b.has(member.getKey()) || !sameJson(member.getValue(), b.get(member.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static JsonNode json(byte[] payload) {
        return AuditJson.parse(payload).orElseGet(MissingNode::getInstance);
    }
}
