package io.amphi.audit;

import io.amphi.platform.audit.ChainConsumer;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** An exam's event log, from the live database or from an exported file. */
interface ExamLog extends AutoCloseable {

    String examId();

    /** Where the log is read from, for the report. */
    String origin();

    /** How many events the log holds, for progress; -1 when unknown. */
    long eventCount() throws Exception;

    /** How many events a file's header declares; empty for the database, which declares nothing. */
    default OptionalLong declaredEvents() {
        return OptionalLong.empty();
    }

    /** How many result lines a file's header declares; empty for the database. */
    default OptionalLong declaredResults() {
        return OptionalLong.empty();
    }

    /**
     * Each run of consecutive events of one aggregate, in the order stored: from the database the
     * exam's own events, its scoring's (aggregate "examId/scoring"), then every session of the
     * exam, each aggregate once; a file may hold anything.
     */
    void forEachChain(ChainConsumer<Exception> consumer) throws Exception;

    /** The exam's own events (its seal): the first run of aggregate {@code examId}. */
    default List<StoredEvent> examEvents() throws Exception {
        List<StoredEvent> events = new ArrayList<>();
        forEachChain(chain -> {
            if (events.isEmpty() && chain.getFirst().aggregateIdentifier().equals(examId())) {
                events.addAll(chain);
            }
        });
        return events;
    }

    /** The results the platform recorded for the exam's sessions; empty if none. */
    List<ResultLine> results() throws Exception;

    @Override
    void close() throws Exception;
}
