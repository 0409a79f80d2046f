package io.amphi.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.platform.audit.ChainVerifier;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.MerkleTree;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes every chain of an exam's log and its seal, and lists each discrepancy precisely:
 * which session, which event, what was expected and what was found.
 */
final class LogVerifier {

    /** One thing wrong with the log. */
    record Discrepancy(String session, String event, String problem, String detail) {
    }

    enum SealStatus {
        /** The recorded seal matches the log (and the published root, when one was given). */
        MATCHES,
        /** The exam has not been sealed: chains are checked, a deleted last event cannot be seen. */
        NOT_SEALED,
        /** The log does not give the recorded seal, or the seal is not the published one. */
        DIFFERS
    }

    record Report(String examId, String origin, int sessions, long events, int intactSessions,
                  List<Discrepancy> discrepancies, SealStatus seal, String recordedRoot, String recomputedRoot,
                  Duration took) {

        boolean clean() {
            return discrepancies.isEmpty();
        }
    }

    private record SessionState(long lastSequence, byte[] finalHash, boolean intact) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEALED = ExamSealed.class.getName();
    private static final String KEY_PUBLISHED = AnswerKeyPublished.class.getName();

    private LogVerifier() {
    }

    /** @param publishedRoot the root published outside the platform at sealing, or {@code null} */
    static Report verify(ExamLog log, String publishedRoot, Progress progress) throws Exception {
        long start = System.nanoTime();
        String examId = log.examId();
        Map<String, SessionState> sessions = new LinkedHashMap<>();
        List<Discrepancy> discrepancies = new ArrayList<>();
        List<StoredEvent> seals = new ArrayList<>();
        boolean[] keysPublished = {false};
        long[] events = {0};
        log.forEachChain(chain -> {
            String aggregate = chain.getFirst().aggregateIdentifier();
            ChainVerifier.Result result = ChainVerifier.verify(aggregate, chain);
            result.finding().ifPresent(f -> discrepancies.add(new Discrepancy(aggregate,
                    Long.toString(f.sequenceNumber()), f.problem().name(), f.describe())));
            boolean scoring = aggregate.equals(ScoringCommands.scoringId(examId));
            if (scoring && chain.stream().anyMatch(e -> KEY_PUBLISHED.equals(e.payloadType()))) {
                keysPublished[0] = true;
            }
            if (aggregate.equals(examId)) {
                chain.stream().filter(e -> SEALED.equals(e.payloadType())).forEach(seals::add);
            } else if (aggregate.startsWith(examId + ":")) {
                sessions.put(aggregate, new SessionState(result.lastSequence(), result.finalHash(), result.intact()));
            } else if (!scoring) {
                discrepancies.add(new Discrepancy(aggregate, "-", "FOREIGN", "not a session of exam " + examId));
            }
            events[0] += chain.size();
            progress.advance(chain.size());
        });
        progress.finish();
        byte[] recomputed = MerkleTree.root(sessions.entrySet().stream().map(s -> new MerkleTree.Leaf(s.getKey(),
                s.getValue().lastSequence(), s.getValue().finalHash())).toList());
        SealStatus status = SealStatus.NOT_SEALED;
        String recordedRoot = null;
        if (!seals.isEmpty()) {
            JsonNode seal = JSON.readTree(seals.getFirst().payload());
            recordedRoot = seal.path("merkleRoot").asText();
            int before = discrepancies.size();
            checkSeal(seal, sessions, discrepancies);
            if (!EventHashes.hex(recomputed).equals(recordedRoot) && discrepancies.size() == before) {
                discrepancies.add(new Discrepancy(examId, "-", "SEAL_DIFFERS", "the sessions give root "
                        + EventHashes.hex(recomputed) + ", the seal records " + recordedRoot));
            }
            status = discrepancies.size() == before ? SealStatus.MATCHES : SealStatus.DIFFERS;
        }
        if (seals.isEmpty() && keysPublished[0]) {
            discrepancies.add(new Discrepancy(examId, "-", "SEAL_MISSING", "answer keys were published, which happens "
                    + "only after sealing, but the log holds no seal"));
            status = SealStatus.DIFFERS;
        }
        String expected = recordedRoot != null ? recordedRoot : EventHashes.hex(recomputed);
        if (publishedRoot != null && !publishedRoot.equalsIgnoreCase(expected)) {
            discrepancies.add(new Discrepancy(examId, "-", "NOT_THE_PUBLISHED_SEAL",
                    "the published root is " + publishedRoot + ", this log gives " + expected));
            status = SealStatus.DIFFERS;
        }
        int intact = (int) sessions.values().stream().filter(SessionState::intact).count();
        return new Report(examId, log.origin(), sessions.size(), events[0], intact, discrepancies, status, recordedRoot,
                EventHashes.hex(recomputed), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Each session the seal lists must end where it ended when sealed; no session may be added. */
    private static void checkSeal(JsonNode seal, Map<String, SessionState> sessions, List<Discrepancy> discrepancies) {
        List<MerkleTree.Leaf> leaves = new ArrayList<>();
        Map<String, Boolean> listed = new LinkedHashMap<>();
        for (JsonNode sealed : seal.path("sessions")) {
            String id = sealed.path("sessionId").asText();
            long lastSequence = sealed.path("lastSequence").asLong();
            String finalHash = sealed.path("finalHash").asText();
            leaves.add(new MerkleTree.Leaf(id, lastSequence, EventHashes.fromHex(finalHash)));
            listed.put(id, true);
            SessionState found = sessions.get(id);
            if (found == null) {
                discrepancies.add(new Discrepancy(id, "-", "MISSING_SESSION",
                        "sealed with %d events, absent from the log".formatted(lastSequence + 1)));
            } else if (found.intact() && (found.lastSequence() != lastSequence
                    || !Arrays.equals(found.finalHash(), EventHashes.fromHex(finalHash)))) {
                discrepancies.add(new Discrepancy(id, Long.toString(Math.min(lastSequence, found.lastSequence()) + 1),
                        "CHANGED_AFTER_SEAL", "sealed with last event %d (hash %s), found last event %d (hash %s)"
                        .formatted(lastSequence, finalHash, found.lastSequence(), EventHashes.hex(found.finalHash()))));
            }
        }
        sessions.keySet().stream().filter(id -> !listed.containsKey(id)).forEach(id ->
                discrepancies.add(new Discrepancy(id, "-", "NOT_IN_SEAL", "the session is not covered by the seal")));
        String leavesRoot = EventHashes.hex(MerkleTree.root(leaves));
        if (!leavesRoot.equals(seal.path("merkleRoot").asText())) {
            discrepancies.add(new Discrepancy(seal.path("examId").asText(), "-", "SEAL_INCONSISTENT",
                    "the seal's sessions give root " + leavesRoot + ", the seal records " + seal.path("merkleRoot").asText()));
        }
    }
}
