package io.amphi.delivery.proctoring;

import io.amphi.delivery.api.Commands.PauseSession;
import io.amphi.delivery.api.Commands.UnpauseSession;
import io.amphi.delivery.api.Results.PauseResult;
import io.amphi.delivery.catalog.ExamCatalogStore;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.grpc.ErrorMapping;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses and continues many sessions at once (a site, a whole exam after an incident): one command
 * per session, a bounded number in flight, so ten thousand sessions stop within seconds without
 * flooding the command bus. Each session decides for itself (already paused, already ended).
 */
public class SessionPauses {

    /** Commands in flight at once. */
    static final int IN_FLIGHT = 32;

    private static final Logger log = LoggerFactory.getLogger(SessionPauses.class);

    private final CommandGateway commands;
    private final ExamCatalogStore catalog;
    private final Clock clock;

    public SessionPauses(CommandGateway commands, ExamCatalogStore catalog, Clock clock) {
        this.commands = commands;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Which sessions of an exam a proctor acts on. */
    public sealed interface Scope {
        /** One session; refused (NOT_STARTED) when it has not started. */
        record OneSession(String sessionId) implements Scope {}

        /** The running sessions of the candidates enrolled at a site. */
        record Site(String site) implements Scope {}

        /** Every running session of the exam. */
        record WholeExam() implements Scope {}
    }

    /** What a call did to the sessions it named; {@code failed} ones can be reached by calling again. */
    public record Outcome(int changed, int unchanged, int ended, int failed, Instant at) {}

    public Outcome pause(String examId, Scope scope, String reason, String proctorId) {
        return requireStarted(scope, each(sessions(examId, scope), id -> new PauseSession(id, reason, proctorId)));
    }

    public Outcome unpause(String examId, Scope scope, String reason, String proctorId) {
        return requireStarted(scope, each(sessions(examId, scope), id -> new UnpauseSession(id, reason, proctorId)));
    }

    /** A single session that was never started is said so, not counted as a failure. */
    private static Outcome requireStarted(Scope scope, Tally outcome) {
        if (scope instanceof Scope.OneSession one && outcome.notStarted() > 0) {
            throw DomainException.precondition(
                    "NOT_STARTED",
                    "Session %s has not started: there is nothing to pause yet.".formatted(one.sessionId()));
        }
        // In a site or an exam, a running session the log does not hold is a failure to report, never lost from the
        // counts.
        return new Outcome(
                outcome.changed(),
                outcome.unchanged(),
                outcome.ended(),
                outcome.failed() + outcome.notStarted(),
                outcome.at());
    }

    private List<String> sessions(String examId, Scope scope) {
        return switch (scope) {
            case Scope.OneSession one -> List.of(one.sessionId());
            case Scope.Site site -> catalog.runningSessions(examId, site.site());
            case Scope.WholeExam whole -> catalog.runningSessions(examId, null);
        };
    }

    /** Counts by kind, before a single session's absence is told apart. */
    private record Tally(int changed, int unchanged, int ended, int failed, int notStarted, Instant at) {}

    /**
     * One command per session, at most {@link #IN_FLIGHT} at once. A session that refuses or fails
     * is counted, never the end of the call: the others are paused all the same.
     */
    private Tally each(List<String> sessionIds, Function<String, Object> command) {
        Instant at = clock.instant();
        AtomicInteger changed = new AtomicInteger();
        AtomicInteger unchanged = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger notStarted = new AtomicInteger();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (String sessionId : sessionIds) {
            inFlight.acquireUninterruptibly();
            CompletableFuture<PauseResult> sent;
            try {
                sent = commands.send(command.apply(sessionId));
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            calls.add(sent.handle((result, failure) -> {
                inFlight.release();
                if (failure == null) {
                    (result.changed() ? changed : unchanged).incrementAndGet();
                } else if (refusedAs(failure, "SUBMITTED") || refusedAs(failure, "DEADLINE_PASSED")) {
                    ended.incrementAndGet();
                } else if (notFound(failure)) {
                    notStarted.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    log.warn("Session {} could not be paused or let go on: {}", sessionId, failure.toString());
                }
                return null;
            }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        return new Tally(changed.get(), unchanged.get(), ended.get(), failed.get(), notStarted.get(), at);
    }

    private static boolean refusedAs(Throwable failure, String reason) {
        return ErrorMapping.unwrap(failure) instanceof DomainException refusal
                && refusal.reason().equals(reason);
    }

    private static boolean notFound(Throwable failure) {
        return ErrorMapping.unwrap(failure) instanceof AggregateNotFoundException;
    }
}
