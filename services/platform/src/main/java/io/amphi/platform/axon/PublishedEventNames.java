package io.amphi.platform.axon;

import java.util.Map;

/**
 * The published type names of a set of events (e.g. delivery-api's), stored in
 * {@code payload_type} instead of the classes' names: a service declares one bean per set it
 * writes or reads, and its serializers use them all.
 */
public record PublishedEventNames(Map<Class<?>, String> names) {

    public PublishedEventNames {
        names = Map.copyOf(names);
    }
}
