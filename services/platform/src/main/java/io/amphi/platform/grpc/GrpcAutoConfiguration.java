package io.amphi.platform.grpc;

import com.hazelcast.core.HazelcastInstance;
import io.grpc.BindableService;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every service gets one gRPC server exposing its {@link BindableService} beans. */
@AutoConfiguration
@EnableConfigurationProperties(GrpcServerProperties.class)
public class GrpcAutoConfiguration {

    @Bean
    PlatformStatusGrpcService platformStatusGrpcService(@Value("${spring.application.name:amphi}") String serviceName,
                                                        HazelcastInstance hazelcast, JdbcTemplate jdbc, Clock clock) {
        return new PlatformStatusGrpcService(serviceName, hazelcast, jdbc, clock);
    }

    @Bean
    GrpcServerLifecycle grpcServer(GrpcServerProperties properties, List<BindableService> services) {
        // The last interceptor runs first: errors are mapped around everything, identity is read inside.
        return new GrpcServerLifecycle(properties, services,
                List.of(new CallerInterceptor(), new PeerAddress(), new ErrorMappingInterceptor()));
    }
}
