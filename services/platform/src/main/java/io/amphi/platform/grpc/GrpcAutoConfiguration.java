package io.amphi.platform.grpc;

import com.hazelcast.core.HazelcastInstance;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.amphi.platform.cluster.Revocations;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty("amphi.auth.address")
    AuthServiceJwks authServiceJwks(@Value("${amphi.auth.address}") String authAddress) {
        return new AuthServiceJwks(authAddress);
    }

    /**
     * Callers are who their verified access tokens say, and nothing else: there is no mode in
     * which a service trusts a caller's word, so a service without its auth service's keys
     * ({@code amphi.auth.address}, host:port) refuses to start.
     */
    @Bean
    GrpcServerLifecycle grpcServer(GrpcServerProperties properties, List<BindableService> services, Clock clock,
                                   ObjectProvider<JwksSource> jwksSource, Revocations revocations) {
        JwksSource jwks = jwksSource.getIfAvailable(() -> {
            throw new IllegalStateException("No auth service configured: set amphi.auth.address to the host:port "
                    + "of the auth service's gRPC server, whose keys verify every caller's token.");
        });
        ServerInterceptor identity = new TokenInterceptor(new TokenVerifier(jwks, revocations, clock));
        // The last interceptor runs first: errors are mapped around everything, identity is read inside.
        return new GrpcServerLifecycle(properties, services,
                List.of(identity, new PeerAddress(), new ErrorMappingInterceptor()));
    }
}
