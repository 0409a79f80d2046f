package io.amphi.platform.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
    public record Finding(String aggregateIdentifier, long sequenceNumber, Problem problem, String expected,
                          String found) {

        public String describe() {
            return switch (problem) {
                case ALTERED -> "event %d was altered: stored hash %s, its content hashes to %s"
                        .formatted(sequenceNumber, expected, found);
                case MISSING -> "event %d is missing: the next event expects a predecessor with hash %s, found %s"
                        .formatted(sequenceNumber, expected, found);
                case REORDERED -> "event %d is out of place: %s".formatted(sequenceNumber, found);
                case BROKEN_LINK -> "event %d names predecessor hash %s, but event %d hashes to %s"
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
    public record Result(String aggregateIdentifier, int events, long lastSequence, byte[] finalHash,
                         Optional<Finding> finding) {

        public boolean intact() {
            return finding.isEmpty();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChainVerifier() {
    }

    /** Verifies one aggregate's events, given in their stored order (by sequence number). */
    public static Result verify(String aggregateIdentifier, List<StoredEvent> events) {
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

    private static Optional<Finding> check(String aggregate, StoredEvent event, long expectedSequence, byte[] previous,
                                           List<StoredEvent> events) {
        String linked = linkedPrevious(event);
        if (event.sequenceNumber() < expectedSequence) {
            return finding(aggregate, event.sequenceNumber(), Problem.DUPLICATE, "one event", "two");
        }
        if (event.sequenceNumber() > expectedSequence) {
            return finding(aggregate, expectedSequence, Problem.MISSING,
                    linked == null ? "an event" : linked, "no event " + expectedSequence);
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
        Optional<Long> appendedAt = appendedPosition(event, linked, lastSequence(events));
        if (appendedAt.isPresent()) {
            return finding(aggregate, expectedSequence, Problem.REORDERED, "event " + expectedSequence,
                    "the event stored here was appended as event " + appendedAt.get());
        }
        if (linked != null && !EventHashes.hex(previous).equals(linked)
                && Arrays.equals(EventHashes.hash(EventHashes.fromHex(linked), event), event.chainHash())) {
            return finding(aggregate, expectedSequence, Problem.BROKEN_LINK, EventHashes.hex(previous), linked);
        }
        return finding(aggregate, expectedSequence, Problem.ALTERED, EventHashes.hex(event.chainHash()),
                EventHashes.hex(recomputed));
    }

    /** Where an intact event moved from: the position whose hash its stored chain hash is. */
    private static Optional<Long> appendedPosition(StoredEvent event, String linked, long lastSequence) {
        if (linked == null) {
            return Optional.empty();
        }
        byte[] linkedHash;
        try {
            linkedHash = EventHashes.fromHex(linked);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (long position = 0; position <= lastSequence; position++) {
            if (position != event.sequenceNumber()
                    && Arrays.equals(EventHashes.hash(linkedHash, event.atSequence(position)), event.chainHash())) {
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
        if (event.metaData() == null) {
            return null;
        }
        try {
            JsonNode previous = JSON.readTree(event.metaData()).get(EventHashes.PREVIOUS_HASH);
            return previous == null ? null : previous.asText();
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<Finding> finding(String aggregate, long sequence, Problem problem, String expected,
                                             String found) {
        return Optional.of(new Finding(aggregate, sequence, problem, expected, found));
    }
}
