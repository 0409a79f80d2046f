package io.amphi.platform.grpc;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Background work a replica's readiness depends on (asking the database, fetching the signing keys,
 * following the revocations), on a thread of its own. It starts before the gRPC server, so it is
 * under way when the first call arrives, and stops after it.
 */
abstract class ReadinessTask implements SmartLifecycle {

    private final String threadName;
    private volatile ScheduledExecutorService schedule;

    ReadinessTask(String threadName) {
        this.threadName = threadName;
    }

    /** Starts the work on {@code executor}. */
    abstract void begin(ScheduledExecutorService executor);

    /** Runs {@code work} once after the delay, unless the task has stopped. */
    final void later(Runnable work, long delayMillis) {
        ScheduledExecutorService executor = schedule;
        if (executor == null) {
            return;
        }
        try {
            executor.schedule(work, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // Stopped meanwhile: nothing more to do.
        }
    }

    final boolean stopped() {
        return schedule == null;
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(threadName).daemon().factory());
        schedule = executor;
        begin(executor);
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = schedule;
        schedule = null;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return schedule != null;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200;
    }
}
