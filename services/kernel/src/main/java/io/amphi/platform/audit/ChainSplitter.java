package io.amphi.platform.audit;

import java.util.ArrayList;
import java.util.List;

/** Cuts events ordered by aggregate then sequence into one chain per aggregate, as they come. */
public final class ChainSplitter<E extends Exception> {

    private final ChainConsumer<E> consumer;
    private List<StoredEvent> chain = new ArrayList<>();

    public ChainSplitter(ChainConsumer<E> consumer) {
        this.consumer = consumer;
    }

    public void add(StoredEvent event) throws E {
        if (!chain.isEmpty() && !chain.getFirst().aggregateIdentifier().equals(event.aggregateIdentifier())) {
            finish();
        }
        chain.add(event);
    }

    /** Hands over the last chain; call once the events are exhausted. */
    public void finish() throws E {
        if (!chain.isEmpty()) {
            List<StoredEvent> complete = chain;
            chain = new ArrayList<>();
            consumer.accept(complete);
        }
    }
}
