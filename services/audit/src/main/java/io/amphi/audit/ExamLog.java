package io.amphi.audit;

import io.amphi.platform.audit.StoredEvent;
import java.util.List;

/** An exam's event log, from the live database or from an exported file. */
interface ExamLog extends AutoCloseable {

    /** Receives one aggregate's events at a time, in sequence order. */
    @FunctionalInterface
    interface ChainConsumer {
        void accept(List<StoredEvent> chain) throws Exception;
    }

    String examId();

    /** Where the log is read from, for the report. */
    String origin();

    /** How many events the log holds, for progress; -1 when unknown. */
    long eventCount() throws Exception;

    /** Every session of the exam, then the exam's own events (its seal). */
    void forEachChain(ChainConsumer consumer) throws Exception;

    @Override
    void close() throws Exception;
}
