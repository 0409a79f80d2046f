package io.amphi.platform.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Objects;

/**
 * One event exactly as the event store keeps it: the columns a chain hash covers, byte for byte,
 * plus the chain hash stored beside it.
 *
 * @param chainHash the hash stored with the event when it was appended; {@code null} for an
 *                  event appended before chaining existed
 */
public record StoredEvent(
        String eventIdentifier,
        String aggregateIdentifier,
        long sequenceNumber,
        String type,
        String timestamp,
        String payloadType,
        String payloadRevision,
        byte[] payload,
        byte[] metaData,
        byte[] chainHash) {

    public StoredEvent {
        Objects.requireNonNull(eventIdentifier, "eventIdentifier");
        Objects.requireNonNull(aggregateIdentifier, "aggregateIdentifier");
        Objects.requireNonNull(payload, "payload");
    }

    /** The payload as JSON, read as AUDIT-FORMAT.md reads it; for events the platform wrote itself. */
    public JsonNode payloadJson() {
        return AuditJson.parse(payload)
                .orElseThrow(() -> new IllegalStateException(
                        "Event %d of %s is not JSON".formatted(sequenceNumber, aggregateIdentifier)));
    }

    /** The same event with another sequence number, as an attacker reordering rows would leave it. */
    StoredEvent atSequence(long otherSequence) {
        return new StoredEvent(
                eventIdentifier,
                aggregateIdentifier,
                otherSequence,
                type,
                timestamp,
                payloadType,
                payloadRevision,
                payload,
                metaData,
                chainHash);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredEvent e
                && sequenceNumber == e.sequenceNumber
                && eventIdentifier.equals(e.eventIdentifier)
                && aggregateIdentifier.equals(e.aggregateIdentifier)
                && Objects.equals(type, e.type)
                && Objects.equals(timestamp, e.timestamp)
                && Objects.equals(payloadType, e.payloadType)
                && Objects.equals(payloadRevision, e.payloadRevision)
                && Arrays.equals(payload, e.payload)
                && Arrays.equals(metaData, e.metaData)
                && Arrays.equals(chainHash, e.chainHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventIdentifier, aggregateIdentifier, sequenceNumber) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "StoredEvent[" + aggregateIdentifier + "#" + sequenceNumber + " " + payloadType + "]";
    }
}
