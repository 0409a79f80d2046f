package io.amphi.platform;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning a client can trigger at will (a malformed request, a database outage seen by every
 * call) is logged at most once per period, with how many were left out since, so a flood of bad
 * requests cannot flood the log.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long periodNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, Duration period) {
        this.log = log;
        this.periodNanos = period.toNanos();
    }

    /** Logs one line at WARN unless one was logged within the period; arguments as SLF4J's. */
    public void warn(String format, Object... arguments) {
        long now = System.nanoTime();
        long allowedAt = nextAllowed.get();
        if ((allowedAt != Long.MIN_VALUE && now - allowedAt < 0)
                || !nextAllowed.compareAndSet(allowedAt, now + periodNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        log.warn(left == 0 ? format : format + " (" + left + " more like it not logged)", arguments);
    }
}
