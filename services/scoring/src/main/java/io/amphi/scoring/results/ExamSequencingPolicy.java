package io.amphi.scoring.results;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;

/**
 * All events of one exam (its sessions "exam:candidate", its seal "exam", its scoring
 * "exam/scoring") are handled in order by one segment: a session submitted and a key published
 * can then never be handled out of order. Different exams still spread over the segments.
 */
public final class ExamSequencingPolicy implements SequencingPolicy<EventMessage<?>> {

    @Override
    public Object getSequenceIdentifierFor(EventMessage<?> event) {
        if (!(event instanceof DomainEventMessage<?> domainEvent)) {
            return event.getIdentifier();
        }
        String aggregate = domainEvent.getAggregateIdentifier();
        return examOf(aggregate);
    }

    static String examOf(String aggregateIdentifier) {
        int end = aggregateIdentifier.length();
        for (char separator : new char[] {':', '/'}) {
            int at = aggregateIdentifier.indexOf(separator);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return aggregateIdentifier.substring(0, end);
    }
}
