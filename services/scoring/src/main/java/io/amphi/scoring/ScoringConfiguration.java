package io.amphi.scoring;

import com.fasterxml.jackson.databind.Module;
import com.hazelcast.core.HazelcastInstance;
import io.amphi.delivery.json.DeliveryJson;
import io.amphi.platform.axon.AxonJackson;
import io.amphi.scoring.grpc.ScoringGrpcService;
import io.amphi.scoring.json.ScoringJson;
import io.amphi.scoring.results.ExamSequencingPolicy;
import io.amphi.scoring.results.ResultsProjection;
import io.amphi.scoring.results.ResultsSealing;
import io.amphi.scoring.results.SegmentBalancer;
import io.amphi.scoring.store.JdbcExamClosures;
import io.amphi.scoring.store.JdbcExamQuestions;
import io.amphi.scoring.store.ResultStore;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
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

    @Bean
    ResultStore resultStore(JdbcTemplate jdbc) {
        return new ResultStore(jdbc, AxonJackson.objectMapper(List.of(DeliveryJson.module(), ScoringJson.module())));
    }

    @Bean
    ResultsProjection resultsProjection(ResultStore store) {
        return new ResultsProjection(store);
    }

    /** Named in amphi-scoring.yml as the results processor's sequencing policy. */
    @Bean
    ExamSequencingPolicy examSequencingPolicy() {
        return new ExamSequencingPolicy();
    }

    @Bean
    SegmentBalancer segmentBalancer(EventProcessingConfiguration processing, HazelcastInstance hazelcast,
                                    @Value("${spring.application.name}") String serviceName,
                                    @Value("${axon.eventhandling.processors.scoring-results.initial-segment-count}") int segments) {
        return new SegmentBalancer(processing, hazelcast, serviceName, segments);
    }

    @Bean
    JdbcExamClosures examClosures(JdbcTemplate jdbc) {
        return new JdbcExamClosures(jdbc);
    }

    @Bean
    JdbcExamQuestions examQuestions(JdbcTemplate jdbc) {
        return new JdbcExamQuestions(jdbc);
    }

    @Bean
    ResultsSealing resultsSealing(ResultStore store, DataSource dataSource, CommandGateway commands) {
        return new ResultsSealing(store, dataSource, commands);
    }

    @Bean
    ScoringGrpcService scoringGrpcService(CommandGateway commands, ResultStore store, ResultsSealing sealing) {
        return new ScoringGrpcService(commands, store, sealing);
    }
}
