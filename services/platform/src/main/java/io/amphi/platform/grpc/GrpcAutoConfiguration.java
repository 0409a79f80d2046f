package io.amphi.platform.grpc;

import com.hazelcast.core.HazelcastInstance;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.amphi.platform.cluster.Revocations;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(GrpcAutoConfiguration.class);

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
     * With an auth service configured ({@code amphi.auth.address}, host:port), callers are who
     * their verified access tokens say; without one (development), who their headers say.
     */
    @Bean
    GrpcServerLifecycle grpcServer(GrpcServerProperties properties, List<BindableService> services, Clock clock,
                                   ObjectProvider<JwksSource> jwksSource, Revocations revocations) {
        JwksSource jwks = jwksSource.getIfAvailable();
        ServerInterceptor identity;
        if (jwks == null) {
            log.warn("No auth service configured (amphi.auth.address): callers are trusted to say who they are "
                    + "in headers. Development only.");
            identity = new CallerInterceptor();
        } else {
            identity = new TokenInterceptor(new TokenVerifier(jwks, revocations, clock));
        }
        // The last interceptor runs first: errors are mapped around everything, identity is read inside.
        return new GrpcServerLifecycle(properties, services,
                List.of(identity, new PeerAddress(), new ErrorMappingInterceptor()));
    }
}
