package io.amphi.platform.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Recomputes the hash chain of one aggregate's events and names the first event that does not
 * fit: altered, missing, reordered, or carrying a broken link. Later events of a broken chain are
 * not reported: they follow from the first.
 */
public final class ChainVerifier {

    /** What is wrong with an event. */
    public enum Problem {
        /** Its bytes no longer give the hash stored with it when it was appended. */
        ALTERED,
        /** The sequence has a hole: this event is gone. */
        MISSING,
        /** The event is intact but stored at another position than the one it was appended at. */
        REORDERED,
        /** The event names a predecessor hash other than its predecessor's. */
        BROKEN_LINK,
        /** Two events claim the same position (possible in an exported file, not in the store). */
        DUPLICATE,
        /** Stored before the platform chained events: nothing to check it against. */
        UNCHAINED
    }

    /**
     * The first problem of a chain: which event, what was expected there and what was found.
     *
     * @param expected the hash (hex) the chain says should be there, or a description
     * @param found    the hash (hex) found there, or a description
     */
    public record Finding(
            String aggregateIdentifier, long sequenceNumber, Problem problem, String expected, String found) {

        public String describe() {
            return switch (problem) {
                case ALTERED ->
                    "event %d was altered: stored hash %s, its content hashes to %s"
                            .formatted(sequenceNumber, expected, found);
                case MISSING ->
                    "event %d is missing: the next event expects a predecessor with hash %s, found %s"
                            .formatted(sequenceNumber, expected, found);
                case REORDERED -> "event %d is out of place: %s".formatted(sequenceNumber, found);
                case BROKEN_LINK ->
                    "event %d names predecessor hash %s, but event %d hashes to %s"
                            .formatted(sequenceNumber, found, sequenceNumber - 1, expected);
                case DUPLICATE -> "event %d appears twice".formatted(sequenceNumber);
                case UNCHAINED -> "event %d carries no chain hash (stored before chaining)".formatted(sequenceNumber);
            };
        }
    }

    /**
     * A whole chain recomputed.
     *
     * @param lastSequence the sequence number of the last event, -1 for none
     * @param finalHash    the recomputed hash of the last event, as far as the chain holds
     */
    public record Result(
            String aggregateIdentifier, int events, long lastSequence, byte[] finalHash, Optional<Finding> finding) {

        public boolean intact() {
            return finding.isEmpty();
        }
    }

    static final int MOVED_FROM_POSITIONS = 1_024;
    static final int MOVED_FROM_BYTES = 1_048_576;

    private ChainVerifier() {}

    /**
     * Verifies one aggregate's events in the order they are stored (the database gives them by
     * sequence number; a file may not), deciding in the order AUDIT-FORMAT.md fixes: two events at
     * one position, then events out of sequence order, then, event by event from the first, a
     * missing position, an event without chain hash, and an event whose hash does not fit.
     */
    public static Result verify(String aggregateIdentifier, List<StoredEvent> events) {
        Optional<Finding> placement = duplicateOrOutOfOrder(aggregateIdentifier, events);
        if (placement.isPresent()) {
            return new Result(aggregateIdentifier, events.size(), lastSequence(events), null, placement);
        }
        byte[] previous = EventHashes.GENESIS;
        long expectedSequence = 0;
        for (StoredEvent event : events) {
            Optional<Finding> finding = check(aggregateIdentifier, event, expectedSequence, previous, events);
            if (finding.isPresent()) {
                return new Result(aggregateIdentifier, events.size(), lastSequence(events), previous, finding);
            }
            previous = EventHashes.hash(previous, event);
            expectedSequence++;
        }
        return new Result(aggregateIdentifier, events.size(), expectedSequence - 1, previous, Optional.empty());
    }

    /** The lowest sequence number held twice; else the first event stored after one with a higher number. */
    private static Optional<Finding> duplicateOrOutOfOrder(String aggregate, List<StoredEvent> events) {
        long[] sequences =
                events.stream().mapToLong(StoredEvent::sequenceNumber).toArray();
        long[] sorted = sequences.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return finding(aggregate, sorted[i], Problem.DUPLICATE, "one event", "two");
            }
        }
        for (int i = 1; i < sequences.length; i++) {
            if (sequences[i] < sequences[i - 1]) {
                return finding(
                        aggregate,
                        sequences[i],
                        Problem.REORDERED,
                        "event " + sequences[i] + " before event " + sequences[i - 1],
                        "event " + sequences[i] + " stored after event " + sequences[i - 1]);
            }
        }
        return Optional.empty();
    }

    private static Optional<Finding> check(
            String aggregate, StoredEvent event, long expectedSequence, byte[] previous, List<StoredEvent> events) {
        String linked = linkedPrevious(event);
        if (event.sequenceNumber() > expectedSequence) {
            return finding(
                    aggregate,
                    expectedSequence,
                    Problem.MISSING,
                    linked == null ? "an event" : linked,
                    "no event " + expectedSequence);
        }
        if (event.chainHash() == null) {
            return finding(aggregate, expectedSequence, Problem.UNCHAINED, "a chain hash", "none");
        }
        byte[] recomputed = EventHashes.hash(previous, event);
        if (Arrays.equals(recomputed, event.chainHash())) {
            if (!EventHashes.hex(previous).equals(linked)) {
                return finding(aggregate, expectedSequence, Problem.BROKEN_LINK, EventHashes.hex(previous), linked);
            }
            return Optional.empty();
        }
        byte[] linkedHash = EventHashes.isHash(linked) ? EventHashes.fromHex(linked) : null;
        Optional<Long> appendedAt = linkedHash == null ? Optional.empty() : appendedPosition(event, linkedHash, events);
        if (appendedAt.isPresent()) {
            return finding(
                    aggregate,
                    expectedSequence,
                    Problem.REORDERED,
                    "event " + expectedSequence,
                    "the event stored here was appended as event " + appendedAt.get());
        }
        if (linkedHash != null
                && !Arrays.equals(previous, linkedHash)
                && Arrays.equals(EventHashes.hash(linkedHash, event), event.chainHash())) {
            return finding(aggregate, expectedSequence, Problem.BROKEN_LINK, EventHashes.hex(previous), linked);
        }
        return finding(
                aggregate,
                expectedSequence,
                Problem.ALTERED,
                EventHashes.hex(event.chainHash()),
                EventHashes.hex(recomputed));
    }

    /**
     * Where an intact event moved from: the lowest other position held in the chain at which it
     * hashes to its stored chain hash (a swap leaves both positions held). The search is bounded,
     * as AUDIT-FORMAT.md fixes it, so that no crafted log can make it run for hours: the first
     * {@value #MOVED_FROM_POSITIONS} other positions, and only for events of at most
     * {@value #MOVED_FROM_BYTES} bytes of payload and metadata.
     */
    private static Optional<Long> appendedPosition(StoredEvent event, byte[] linkedHash, List<StoredEvent> events) {
        long size = event.payload().length + (event.metaData() == null ? 0L : event.metaData().length);
        if (size > MOVED_FROM_BYTES) {
            return Optional.empty();
        }
        int tried = 0;
        for (StoredEvent other : events) {
            long position = other.sequenceNumber();
            if (position == event.sequenceNumber()) {
                continue;
            }
            if (tried++ == MOVED_FROM_POSITIONS) {
                return Optional.empty();
            }
            if (Arrays.equals(EventHashes.hash(linkedHash, event.atSequence(position)), event.chainHash())) {
                return Optional.of(position);
            }
        }
        return Optional.empty();
    }

    private static long lastSequence(List<StoredEvent> events) {
        return events.isEmpty() ? -1 : events.getLast().sequenceNumber();
    }

    /** The predecessor hash an event carries in its metadata; {@code null} if it carries none. */
    static String linkedPrevious(StoredEvent event) {
        JsonNode previous = AuditJson.parse(event.metaData())
                .map(meta -> meta.get(EventHashes.PREVIOUS_HASH))
                .orElse(null);
        return previous != null && previous.isTextual() ? previous.textValue() : null;
    }

    private static Optional<Finding> finding(
            String aggregate, long sequence, Problem problem, String expected, String found) {
        return Optional.of(new Finding(aggregate, sequence, problem, expected, found));
    }
}
