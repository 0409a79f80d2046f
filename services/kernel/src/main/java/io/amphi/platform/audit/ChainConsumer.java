package io.amphi.platform.audit;

import java.util.List;

/** Receives one aggregate's events at a time, in sequence order. */
@FunctionalInterface
public interface ChainConsumer<E extends Exception> {

    void accept(List<StoredEvent> chain) throws E;
}
