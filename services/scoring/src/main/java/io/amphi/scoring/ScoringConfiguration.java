package io.amphi.scoring;

import com.fasterxml.jackson.databind.Module;
import com.hazelcast.core.HazelcastInstance;
import io.amphi.delivery.api.PublishedEvents;
import io.amphi.delivery.json.DeliveryJson;
import io.amphi.platform.axon.AxonJackson;
import io.amphi.platform.axon.PublishedEventNames;
import io.amphi.scoring.access.ResultReadingRights;
import io.amphi.scoring.api.ScoringEvents;
import io.amphi.scoring.grpc.ScoringGrpcService;
import io.amphi.scoring.json.ScoringJson;
import io.amphi.scoring.results.ExamSequencingPolicy;
import io.amphi.scoring.results.ResultsCatchUp;
import io.amphi.scoring.results.ResultsProjection;
import io.amphi.scoring.results.ResultsSealing;
import io.amphi.scoring.results.SegmentBalancer;
import io.amphi.scoring.store.ResultQueries;
import io.amphi.scoring.store.ResultStore;
import io.amphi.scoring.store.TrackedExams;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Wires the scoring service around the ExamScoring aggregate and the results projection. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class ScoringConfiguration {

    /** How the session events scoring reads are written. */
    @Bean
    Module deliveryEventsJsonModule() {
        return DeliveryJson.module();
    }

    /** How answer keys are written. */
    @Bean
    Module scoringJsonModule() {
        return ScoringJson.module();
    }

    /** The names of the events scoring reads, as delivery stores them. */
    @Bean
    PublishedEventNames deliveryEventNames() {
        return new PublishedEventNames(PublishedEvents.NAMES);
    }

    /** The names scoring's own events are stored under. */
    @Bean
    PublishedEventNames scoringEventNames() {
        return new PublishedEventNames(ScoringEvents.PUBLISHED_NAMES);
    }

    @Bean
    ResultStore resultStore(JdbcTemplate jdbc) {
        return new ResultStore(jdbc, AxonJackson.objectMapper(List.of(DeliveryJson.module(), ScoringJson.module())));
    }

    @Bean
    ResultsProjection resultsProjection(ResultStore store, TrackedExams exams) {
        return new ResultsProjection(store, exams);
    }

    /** Named in amphi-scoring.yml as the results processor's sequencing policy. */
    @Bean
    ExamSequencingPolicy examSequencingPolicy() {
        return new ExamSequencingPolicy();
    }

    @Bean
    SegmentBalancer segmentBalancer(
            EventProcessingConfiguration processing,
            HazelcastInstance hazelcast,
            @Value("${spring.application.name}") String serviceName,
            @Value("${axon.eventhandling.processors.scoring-results.initial-segment-count}") int segments) {
        return new SegmentBalancer(processing, hazelcast, serviceName, segments);
    }

    @Bean
    TrackedExams trackedExams(JdbcTemplate jdbc) {
        return new TrackedExams(jdbc, AxonJackson.objectMapper(List.of(DeliveryJson.module())));
    }

    @Bean
    ResultsSealing resultsSealing(
            ResultStore store, ResultQueries queries, DataSource dataSource, CommandGateway commands) {
        return new ResultsSealing(store, queries, dataSource, commands);
    }

    @Bean
    ScoringGrpcService scoringGrpcService(
            CommandGateway commands,
            ResultStore store,
            ResultQueries queries,
            ResultsSealing sealing,
            TrackedExams exams,
            ResultsCatchUp catchUp,
            ResultReadingRights rights) {
        return new ScoringGrpcService(commands, store, queries, sealing, exams, catchUp, rights);
    }

    @Bean
    ResultReadingRights resultReadingRights(ResultStore store, ResultQueries queries) {
        return new ResultReadingRights(store, queries);
    }

    @Bean
    ResultQueries resultQueries(JdbcTemplate jdbc) {
        return new ResultQueries(jdbc);
    }

    @Bean
    ResultsCatchUp resultsCatchUp(EventStore eventStore, EventProcessingConfiguration processing) {
        return new ResultsCatchUp(eventStore, processing);
    }
}
