package io.amphi.audit;

import io.amphi.platform.audit.ChainConsumer;
import java.math.BigDecimal;
import java.util.Map;

/** An exam's event log, from the live database or from an exported file. */
interface ExamLog extends AutoCloseable {

    String examId();


    /** Where the log is read from, for the report. */
    String origin();

    /** How many events the log holds, for progress; -1 when unknown. */
    long eventCount() throws Exception;

    /** A session's result as the platform recorded it: the figures to recompute. */
    record PlatformResult(String sessionId, int keyVersion, String ruleSet, BigDecimal total,
                          Map<String, BigDecimal> pointsByQuestion) {
    }

    /**
     * The exam's own events first (its seal, then its answer keys and publications, aggregate
     * "examId/scoring"), then every session of the exam.
     */
    void forEachChain(ChainConsumer<Exception> consumer) throws Exception;

    /** The results the platform recorded for the exam's sessions, by session; empty if none. */
    Map<String, PlatformResult> platformResults() throws Exception;

    @Override
    void close() throws Exception;
}
