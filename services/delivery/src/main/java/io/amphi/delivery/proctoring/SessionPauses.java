package io.amphi.delivery.proctoring;

import io.amphi.delivery.api.Commands.PauseSession;
import io.amphi.delivery.api.Commands.UnpauseSession;
import io.amphi.delivery.api.Results.PauseResult;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.platform.domain.DomainException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * Pauses and continues many sessions at once (a site, a whole exam after an incident): one command
 * per session, a bounded number in flight, so ten thousand sessions stop within seconds without
 * flooding the command bus. Each session decides for itself (already paused, already ended).
 */
public class SessionPauses {

    /** Commands in flight at once. */
    static final int IN_FLIGHT = 32;

    private final CommandGateway commands;
    private final JdbcExamCatalog catalog;
    private final Clock clock;

    public SessionPauses(CommandGateway commands, JdbcExamCatalog catalog, Clock clock) {
        this.commands = commands;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Which sessions of an exam a proctor acts on. */
    public sealed interface Scope {
        /** One session, started or not. */
        record OneSession(String sessionId) implements Scope {
        }

        /** The running sessions of the candidates enrolled at a site. */
        record Site(String site) implements Scope {
        }

        /** Every running session of the exam. */
        record WholeExam() implements Scope {
        }
    }

    /** What a call did to the sessions it named. */
    public record Outcome(int changed, int unchanged, int ended, Instant at) {
    }

    public Outcome pause(String examId, Scope scope, String reason, String proctorId) {
        return each(sessions(examId, scope), id -> new PauseSession(id, reason, proctorId));
    }

    public Outcome unpause(String examId, Scope scope, String reason, String proctorId) {
        return each(sessions(examId, scope), id -> new UnpauseSession(id, reason, proctorId));
    }

    private List<String> sessions(String examId, Scope scope) {
        return switch (scope) {
            case Scope.OneSession one -> List.of(one.sessionId());
            case Scope.Site site -> catalog.runningSessions(examId, site.site());
            case Scope.WholeExam whole -> catalog.runningSessions(examId, null);
        };
    }

    private Outcome each(List<String> sessionIds, Function<String, Object> command) {
        Instant at = clock.instant();
        AtomicInteger changed = new AtomicInteger();
        AtomicInteger unchanged = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (String sessionId : sessionIds) {
            inFlight.acquireUninterruptibly();
            calls.add(commands.<PauseResult>send(command.apply(sessionId))
                    .thenAccept(result -> (result.changed() ? changed : unchanged).incrementAndGet())
                    .exceptionally(failure -> {
                        if (!ended(failure)) {
                            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                        }
                        ended.incrementAndGet();
                        return null;
                    })
                    .whenComplete((ignored, failure) -> inFlight.release()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        return new Outcome(changed.get(), unchanged.get(), ended.get(), at);
    }

    /** A session that was submitted, or whose time ran out, before the command reached it. */
    private static boolean ended(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            Object detail = cause instanceof CommandExecutionException cee ? cee.getDetails().orElse(null) : cause;
            if (detail instanceof DomainException de && (de.reason().equals("SUBMITTED") || de.reason().equals("DEADLINE_PASSED"))) {
                return true;
            }
        }
        return false;
    }
}
