package io.amphi.platform.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A waiting room per gate (an exam's door), shared by every replica: callers get a ticket in
 * arrival order and are let in at a configured rate while fewer than a configured number are
 * inside. A caller coming back keeps its place. Over the rate, a caller is told its position and
 * an estimated wait instead of an error. The gate's state is one Hazelcast entry changed only by
 * entry processors (atomic, with a synchronous backup), so losing a member loses no place in line.
 *
 * <p>Arrival is when a caller's call reached the platform, not when it reached the gate: a call
 * that took longer on its way (a replica warming up, a slow token check) is placed ahead of the
 * later arrivals still waiting that were placed before it, within the last
 * {@value #REORDER_WINDOW_MILLIS} ms; their tickets move back by one each.
 */
public final class Admission {

    /**
     * @param admissionsPerSecond how fast callers are let in; also the largest burst after a quiet spell
     * @param maxInside           how many may be inside at once; {@link #leave} makes room
     */
    public record Policy(double admissionsPerSecond, long maxInside) {
        public Policy {
            if (!(admissionsPerSecond > 0) || maxInside < 1) {
                throw new IllegalArgumentException("An admission policy needs a positive rate and room for one: "
                        + admissionsPerSecond + "/s, " + maxInside);
            }
        }
    }

    /**
     * What {@link #enter} decided for one caller. {@code waitingForRoom}: as many are inside as the
     * policy allows, so the line moves only as they leave, and {@code estimatedWait} (from the rate
     * alone) is the least it can be.
     */
    public record Outcome(long ticket, boolean admitted, long position, Duration estimatedWait, boolean waitingForRoom)
            implements Serializable {}

    static final String MAP = "amphi-admission";
    /** How far back an arrival that reached the gate late is still put in its place. */
    static final long REORDER_WINDOW_MILLIS = 10_000;
    /** The most recent waiting callers kept to place a late arrival among them. */
    static final int REORDER_ENTRIES = 10_000;

    private final IMap<String, GateState> gates;
    private final Clock clock;

    public Admission(HazelcastInstance hazelcast, Clock clock) {
        this.gates = hazelcast.getMap(MAP);
        this.clock = clock;
    }

    /**
     * Gives {@code caller} a ticket (or finds theirs) and says whether they may go in now.
     *
     * @param arrivedAtMillis when the caller's call reached the platform (epoch milliseconds)
     */
    public Outcome enter(String gate, String caller, long arrivedAtMillis, Policy policy) {
        return gates.executeOnKey(
                gate,
                new Enter(caller, arrivedAtMillis, clock.millis(), policy.admissionsPerSecond(), policy.maxInside()));
    }

    /** {@code caller} is done inside: their place goes to the next in line. Idempotent. */
    public void leave(String gate, String caller) {
        gates.executeOnKey(gate, new Leave(caller));
    }

    /** One gate: tickets given, how far the line has been let in, who left. */
    static final class GateState implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private final Map<String, Long> tickets = new HashMap<>();
        private final Set<String> left = new HashSet<>();
        /** Recently placed callers still waiting, in ticket (and arrival) order. */
        private final ArrayDeque<Placed> recent = new ArrayDeque<>();

        private long issued;
        private long admittedThrough;
        private double tokens = -1;
        private long lastRefillMillis;

        private void refill(long nowMillis, double rate) {
            if (tokens < 0) {
                tokens = Math.max(1, rate);
            } else if (nowMillis > lastRefillMillis) {
                tokens = Math.min(Math.max(1, rate), tokens + (nowMillis - lastRefillMillis) * rate / 1000.0);
            }
            lastRefillMillis = Math.max(lastRefillMillis, nowMillis);
        }

        /** Gives the caller a ticket: at the back, or ahead of the recent waiting callers who arrived after it. */
        private void place(String caller, long arrivedAtMillis, long nowMillis) {
            forgetOldPlacements(nowMillis);
            long ticket = ++issued;
            ArrayDeque<Placed> overtaken = new ArrayDeque<>();
            while (!recent.isEmpty()
                    && recent.peekLast().arrivedAtMillis() > arrivedAtMillis
                    && tickets.get(recent.peekLast().caller()) > admittedThrough) {
                Placed later = recent.pollLast();
                long laterTicket = tickets.get(later.caller());
                tickets.put(later.caller(), laterTicket + 1);
                ticket = laterTicket;
                overtaken.addFirst(later);
            }
            tickets.put(caller, ticket);
            recent.addLast(new Placed(caller, arrivedAtMillis));
            recent.addAll(overtaken);
        }

        private void forgetOldPlacements(long nowMillis) {
            while (!recent.isEmpty()
                    && (tickets.get(recent.peekFirst().caller()) <= admittedThrough
                            || recent.peekFirst().arrivedAtMillis() < nowMillis - REORDER_WINDOW_MILLIS
                            || recent.size() > REORDER_ENTRIES)) {
                recent.pollFirst();
            }
        }

        private void letIn(long maxInside) {
            while (admittedThrough < issued && tokens >= 1 && admittedThrough - left.size() < maxInside) {
                admittedThrough++;
                tokens -= 1;
            }
        }
    }

    /** A caller placed in line, and when their call arrived. */
    record Placed(String caller, long arrivedAtMillis) implements Serializable {}

    /** Of some callers, those with a ticket not let in yet, with their place; and how many wait in all. */
    public record Waiting(Map<String, Long> places, long total) implements Serializable {}

    /** Which of these callers wait in the gate's line, and how many wait in all; changes nothing. */
    public Waiting waiting(String gate, Collection<String> callers) {
        return gates.executeOnKey(gate, new WhoWaits(List.copyOf(callers)));
    }

    record WhoWaits(List<String> callers) implements EntryProcessor<String, GateState, Waiting>, ReadOnly {

        @Override
        public Waiting process(Map.Entry<String, GateState> entry) {
            GateState state = entry.getValue();
            if (state == null) {
                return new Waiting(Map.of(), 0);
            }
            Map<String, Long> places = new HashMap<>();
            for (String caller : callers) {
                Long ticket = state.tickets.get(caller);
                if (ticket != null && ticket > state.admittedThrough) {
                    places.put(caller, ticket - state.admittedThrough);
                }
            }
            return new Waiting(places, state.issued - state.admittedThrough);
        }

        @Override
        public EntryProcessor<String, GateState, Waiting> getBackupProcessor() {
            return null;
        }
    }

    /** Runs on the member owning the gate, and again on its backup, with the same inputs. */
    record Enter(String caller, long arrivedAtMillis, long nowMillis, double rate, long maxInside)
            implements EntryProcessor<String, GateState, Outcome> {

        @Override
        public Outcome process(Map.Entry<String, GateState> entry) {
            GateState state = entry.getValue() == null ? new GateState() : entry.getValue();
            state.refill(nowMillis, rate);
            if (!state.tickets.containsKey(caller)) {
                state.place(caller, arrivedAtMillis, nowMillis);
            }
            state.letIn(maxInside);
            long ticket = state.tickets.get(caller);
            entry.setValue(state);
            if (ticket <= state.admittedThrough) {
                return new Outcome(ticket, true, 0, Duration.ZERO, false);
            }
            long position = ticket - state.admittedThrough;
            return new Outcome(
                    ticket,
                    false,
                    position,
                    Duration.ofMillis((long) Math.ceil(position * 1000 / rate)),
                    state.admittedThrough - state.left.size() >= maxInside);
        }
    }

    /** Records that a caller who was let in has left. */
    record Leave(String caller) implements EntryProcessor<String, GateState, Void> {

        @Override
        public Void process(Map.Entry<String, GateState> entry) {
            GateState state = entry.getValue();
            if (state == null) {
                return null;
            }
            Long ticket = state.tickets.get(caller);
            if (ticket != null && ticket <= state.admittedThrough && state.left.add(caller)) {
                entry.setValue(state);
            }
            return null;
        }
    }
}
