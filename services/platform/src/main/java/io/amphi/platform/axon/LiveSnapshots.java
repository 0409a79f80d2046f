package io.amphi.platform.axon;

import io.amphi.platform.RateLimitedLog;
import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import org.axonframework.common.IdentifierFactory;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.SnapshotTrigger;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.Scope;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.SerializedMessage;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.slf4j.LoggerFactory;

/**
 * A snapshot every {@code every} events, taken from the aggregate as the command that reached
 * the count left it, instead of replayed from the store. Replaying read back and deserialized
 * every event since the last snapshot: about one event's deserialization per save, measured as a
 * twentieth of a save's CPU at the saves' peak.
 *
 * <p>Once the command's events are committed, and while the command still holds the aggregate's
 * lock (it is let go when the unit of work is cleaned up), the aggregate is serialized on the
 * command's thread: its state is then exactly that of its last stored event, whether the count
 * was reached by an event the command applied or by one replayed while loading the aggregate, and
 * no other command can change it meanwhile. The snapshot thread only stores the bytes; when it
 * falls behind, a snapshot is skipped (the next count takes one), since a snapshot only shortens
 * loading. Where the aggregate is not at hand (no unit of work, or the command failed),
 * {@code replaying} takes the snapshot from the store, as Axon's own trigger does.
 */
public final class LiveSnapshots implements SnapshotTriggerDefinition {

    private static final RateLimitedLog failures =
            new RateLimitedLog(LoggerFactory.getLogger(LiveSnapshots.class), Duration.ofMinutes(1));

    /** The most snapshots taken from memory waiting to be stored; beyond, one is skipped. */
    private static final int MAX_QUEUED = 256;

    /** The unit of work's resource, per aggregate, saying a snapshot is taken when it commits. */
    private static final String TAKEN = LiveSnapshots.class.getName() + ".taken.";

    private final Snapshotter replaying;
    private final int every;
    private final EventStore eventStore;
    private final Serializer serializer;
    private final TransactionManager transactionManager;
    private final ThreadPoolExecutor storing;
    private final SerializedObject<byte[]> noMetaData;

    /**
     * @param serializer the event store's snapshot serializer: the store writes the bytes made
     *                   with it as they are
     * @param storing    where snapshots are stored; it may drop one when busy, and one taken from
     *                   memory is skipped while it has {@value #MAX_QUEUED} waiting
     */
    public LiveSnapshots(
            Snapshotter replaying,
            int every,
            EventStore eventStore,
            Serializer serializer,
            TransactionManager transactionManager,
            ThreadPoolExecutor storing) {
        if (every < 1) {
            throw new IllegalArgumentException("A snapshot is taken every 1 or more events, not " + every);
        }
        this.replaying = replaying;
        this.every = every;
        this.eventStore = eventStore;
        this.serializer = serializer;
        this.transactionManager = transactionManager;
        this.storing = storing;
        this.noMetaData = serializer.serialize(MetaData.emptyInstance(), byte[].class);
    }

    @Override
    public SnapshotTrigger prepareTrigger(Class<?> aggregateType) {
        return new Trigger(aggregateType);
    }

    /** Counts an aggregate's events from its last snapshot; kept with the aggregate in its cache. */
    private final class Trigger implements SnapshotTrigger {

        private final Class<?> aggregateType;
        private int counted;

        Trigger(Class<?> aggregateType) {
            this.aggregateType = aggregateType;
        }

        @Override
        public void eventHandled(EventMessage<?> message) {
            if (message instanceof DomainEventMessage<?> event && ++counted >= every) {
                counted = 0;
                snapshotAfter(aggregateType, event.getAggregateIdentifier());
            }
        }

        @Override
        public void initializationFinished() {
            // Counting goes on from the events replayed while loading: they are counted alike.
        }
    }

    private void snapshotAfter(Class<?> aggregateType, String identifier) {
        EventSourcedAggregate<?> aggregate = aggregateInScope(aggregateType, identifier);
        // Axon applies and replays an aggregate's events in its scope and in a unit of work; were
        // either ever missing, the replaying snapshotter would still take the snapshot.
        if (!CurrentUnitOfWork.isStarted()) {
            replaying.scheduleSnapshot(aggregateType, identifier);
            return;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        if (aggregate == null) {
            unitOfWork.onCleanup(u -> replaying.scheduleSnapshot(aggregateType, identifier));
        } else if (unitOfWork.root().resources().putIfAbsent(TAKEN + identifier, Boolean.TRUE) == null) {
            // Loading a long stretch of events may reach the count more than once: one snapshot will do.
            unitOfWork.afterCommit(u -> takeFrom(aggregate));
            unitOfWork.onRollback(u -> replaying.scheduleSnapshot(aggregateType, identifier));
        }
    }

    /**
     * The aggregate that applied the event (in a command handler) or replayed it (while loading):
     * both run in the aggregate's scope.
     */
    private static EventSourcedAggregate<?> aggregateInScope(Class<?> aggregateType, String identifier) {
        Scope scope;
        try {
            scope = Scope.getCurrentScope();
        } catch (IllegalStateException outsideAnyScope) {
            return null;
        }
        return scope instanceof EventSourcedAggregate<?> aggregate
                        && aggregateType.isAssignableFrom(aggregate.rootType())
                        && identifier.equals(aggregate.identifierAsString())
                ? aggregate
                : null;
    }

    private void takeFrom(EventSourcedAggregate<?> aggregate) {
        // A snapshot does not say an aggregate was deleted: one taken now would bring it back. And a
        // snapshot holds a whole aggregate: a stalled snapshot thread must not gather thousands.
        if (aggregate.isDeleted() || storing.getQueue().size() >= MAX_QUEUED) {
            return;
        }
        DomainEventMessage<?> snapshot;
        try {
            SerializedObject<byte[]> state = serializer.serialize(aggregate.getAggregateRoot(), byte[].class);
            snapshot = new GenericDomainEventMessage<>(
                    aggregate.type(),
                    aggregate.identifierAsString(),
                    aggregate.version(),
                    new SerializedMessage<>(
                            IdentifierFactory.getInstance().generateIdentifier(), state, noMetaData, serializer),
                    GenericEventMessage.clock.instant());
        } catch (RuntimeException e) {
            // The command's events are stored: a snapshot that cannot be made must not fail it.
            failures.warn("Cannot take a snapshot of {} {}", aggregate.type(), aggregate.identifierAsString(), e);
            return;
        }
        storing.execute(() -> {
            try {
                transactionManager.executeInTransaction(() -> eventStore.storeSnapshot(snapshot));
            } catch (RuntimeException e) {
                failures.warn(
                        "Cannot store a snapshot of {} {}", snapshot.getType(), snapshot.getAggregateIdentifier(), e);
            }
        });
    }
}
