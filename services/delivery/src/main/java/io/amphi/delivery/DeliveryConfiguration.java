package io.amphi.delivery;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.hazelcast.core.HazelcastInstance;
import io.amphi.delivery.admission.AdmissionRelease;
import io.amphi.delivery.admission.ExamDoor;
import io.amphi.delivery.api.PublishedEvents;
import io.amphi.delivery.catalog.ContentAnnouncements;
import io.amphi.delivery.catalog.ExamCatalogStore;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.delivery.content.ExamFileReader;
import io.amphi.delivery.deadline.AutoSubmitter;
import io.amphi.delivery.deadline.SessionDeadlineProjection;
import io.amphi.delivery.domain.AnswerSheet;
import io.amphi.delivery.domain.ExamSession;
import io.amphi.delivery.grpc.DeliveryGrpcService;
import io.amphi.delivery.json.DeliveryJson;
import io.amphi.delivery.lease.SessionLeases;
import io.amphi.delivery.offline.OfflineJournalKeys;
import io.amphi.delivery.proctoring.LiveView;
import io.amphi.delivery.proctoring.LiveViewProjection;
import io.amphi.delivery.proctoring.SessionPauses;
import io.amphi.delivery.seal.ExamSealing;
import io.amphi.delivery.seal.SubmissionReceipts;
import io.amphi.platform.axon.BoundedCache;
import io.amphi.platform.axon.LiveSnapshots;
import io.amphi.platform.axon.PublishedEventNames;
import io.amphi.platform.cluster.Admission;
import io.amphi.platform.cluster.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import javax.sql.DataSource;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Wires the delivery service's adapters around the ExamSession aggregate. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class DeliveryConfiguration {

    @Bean
    ExamFileReader examFileReader() {
        return new ExamFileReader();
    }

    @Bean
    JdbcExamCatalog examCatalog(JdbcTemplate jdbc, ExamFileReader reader, Clock clock, HazelcastInstance hazelcast) {
        return new JdbcExamCatalog(jdbc, reader, clock, hazelcast);
    }

    @Bean
    DeliveryGrpcService deliveryGrpcService(
            CommandGateway commands,
            ExamCatalogStore catalog,
            ContentAnnouncements contentAnnouncements,
            Cache examSessionCache,
            RateLimiter saveRateLimiter,
            ExamDoor examDoor,
            ExamSealing examSealing,
            SubmissionReceipts receipts,
            SessionPauses sessionPauses,
            SessionLeases sessionLeases,
            LiveView liveView,
            OfflineJournalKeys offlineJournalKeys,
            Clock clock) {
        return new DeliveryGrpcService(
                commands,
                catalog,
                contentAnnouncements,
                examSessionCache,
                saveRateLimiter,
                examDoor,
                examSealing,
                receipts,
                sessionPauses,
                sessionLeases,
                liveView,
                offlineJournalKeys,
                clock);
    }

    @Bean
    ContentAnnouncements contentAnnouncements(JdbcTemplate jdbc, ExamCatalogStore catalog, CommandGateway commands) {
        return new ContentAnnouncements(jdbc, catalog, commands);
    }

    @Bean
    SessionLeases sessionLeases(HazelcastInstance hazelcast, Clock clock) {
        return new SessionLeases(hazelcast, clock);
    }

    @Bean
    SessionPauses sessionPauses(CommandGateway commands, ExamCatalogStore catalog, Clock clock) {
        return new SessionPauses(commands, catalog, clock);
    }

    @Bean
    OfflineJournalKeys offlineJournalKeys(DataSource dataSource, Clock clock) {
        return new OfflineJournalKeys(dataSource, clock);
    }

    @Bean
    SubmissionReceipts submissionReceipts(DataSource dataSource, Clock clock) {
        return new SubmissionReceipts(dataSource, clock);
    }

    @Bean
    ExamSealing examSealing(ExamCatalogStore catalog, DataSource dataSource, CommandGateway commands, Clock clock) {
        return new ExamSealing(catalog, dataSource, commands, clock);
    }

    /**
     * Exams without a policy of their own let 50 candidates in per second, up to 100,000 sessions
     * at once, per exam.
     */
    @Bean
    ExamDoor examDoor(
            HazelcastInstance hazelcast,
            ExamCatalogStore catalog,
            EventStore eventStore,
            Clock clock,
            @Value("${amphi.delivery.admission.rate:50}") double admissionsPerSecond,
            @Value("${amphi.delivery.admission.max-active-sessions:100000}") long maxActiveSessions) {
        return new ExamDoor(
                new Admission(hazelcast, clock),
                catalog,
                eventStore,
                new Admission.Policy(admissionsPerSecond, maxActiveSessions));
    }

    @Bean
    AdmissionRelease admissionRelease(ExamDoor examDoor) {
        return new AdmissionRelease(examDoor);
    }

    /**
     * Generous for a person (a burst of 60 saves, then 2 a second), it stops a runaway client
     * before it floods the event log. A replica draws a session's tokens 30 at a time, so most saves
     * make no call to the cluster for it: a draw costs about as much CPU as a save (two members'
     * partition and I/O threads, and the backup), and at 10 a draw the draws were a tenth of the
     * CPU at 2,500 saves/s. The price: a burst may pass 60 by up to 29 on one replica.
     */
    @Bean
    RateLimiter saveRateLimiter(
            HazelcastInstance hazelcast,
            @Value("${amphi.delivery.save-rate.burst:60}") long burst,
            @Value("${amphi.delivery.save-rate.refill-period:30s}") Duration refillPeriod,
            @Value("${amphi.delivery.save-rate.tokens-per-draw:30}") long tokensPerDraw) {
        return new RateLimiter(hazelcast, "saves", burst, refillPeriod, tokensPerDraw);
    }

    @Bean
    SessionDeadlineProjection sessionDeadlineProjection(JdbcTemplate jdbc) {
        return new SessionDeadlineProjection(jdbc);
    }

    @Bean
    LiveViewProjection liveViewProjection(JdbcTemplate jdbc) {
        return new LiveViewProjection(jdbc);
    }

    @Bean
    LiveView liveView(JdbcTemplate jdbc, SessionLeases sessionLeases, ExamDoor examDoor, Clock clock) {
        return new LiveView(jdbc, sessionLeases, examDoor, clock);
    }

    @Bean
    AutoSubmitter autoSubmitter(JdbcTemplate jdbc, CommandGateway commands, Clock clock) {
        return new AutoSubmitter(jdbc, commands, clock);
    }

    /**
     * Sessions in use are served from memory. A command that fails to append (another node won
     * the race) evicts its session, so the cache never serves a stale version twice.
     */
    @Bean
    Cache examSessionCache(
            @Value("${amphi.delivery.session-cache.max-entries:50000}") long maxEntries,
            @Value("${amphi.delivery.session-cache.idle-timeout:30m}") Duration idleTimeout) {
        return new BoundedCache(maxEntries, idleTimeout);
    }

    /** A long session loads from its latest snapshot plus the events after it. */
    @Bean
    SnapshotTriggerDefinition examSessionSnapshotTrigger(
            Snapshotter snapshotter,
            EventStore eventStore,
            Serializer serializer,
            TransactionManager transactionManager,
            ThreadPoolExecutor snapshotExecutor,
            @Value("${amphi.delivery.snapshot-every:250}") int events) {
        return new LiveSnapshots(snapshotter, events, eventStore, serializer, transactionManager, snapshotExecutor);
    }

    /** How delivery's events are written as JSON. */
    @Bean
    Module deliveryEventsJsonModule() {
        return DeliveryJson.module();
    }

    /** The names delivery's events are stored under. */
    @Bean
    PublishedEventNames deliveryEventNames() {
        return new PublishedEventNames(PublishedEvents.NAMES);
    }

    /** How delivery's snapshots are written as JSON. */
    @Bean
    Module deliverySnapshotJsonModule() {
        return new SimpleModule("amphi-delivery-snapshots")
                .setMixInAnnotation(ExamSession.class, SnapshotJson.class)
                .setMixInAnnotation(AnswerSheet.class, SnapshotJson.class);
    }

    /** A snapshot is the aggregate's fields (and its values' fields), nothing else. */
    @JsonAutoDetect(
            fieldVisibility = JsonAutoDetect.Visibility.ANY,
            getterVisibility = JsonAutoDetect.Visibility.NONE,
            isGetterVisibility = JsonAutoDetect.Visibility.NONE,
            setterVisibility = JsonAutoDetect.Visibility.NONE)
    private interface SnapshotJson {}
}
