package io.amphi.platform.grpc;

import com.hazelcast.core.HazelcastInstance;
import io.amphi.platform.cluster.RevocationKey;
import io.amphi.platform.db.EmbeddedPostgresServer;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Every service gets one gRPC server exposing its {@link BindableService} beans, its readiness
 * (database, signing keys, revocations) and a token verifier fed by the auth service.
 */
@AutoConfiguration
@EnableConfigurationProperties(GrpcServerProperties.class)
public class GrpcAutoConfiguration {

    @Bean
    Readiness readiness() {
        return new Readiness();
    }

    /** When the embedded server (local runs) dies, the replica says so at once, not at the next probe. */
    @Bean
    DatabaseProbe databaseProbe(
            DataSource dataSource, Readiness readiness, ObjectProvider<EmbeddedPostgresServer> embeddedPostgres) {
        DatabaseProbe probe = new DatabaseProbe(dataSource, readiness);
        embeddedPostgres.ifAvailable(server -> server.onDeath(probe::probe));
        return probe;
    }

    @Bean
    PlatformStatusGrpcService platformStatusGrpcService(
            @Value("${spring.application.name:amphi}") String serviceName,
            HazelcastInstance hazelcast,
            DatabaseProbe database,
            Readiness readiness,
            Clock clock) {
        return new PlatformStatusGrpcService(serviceName, hazelcast, database, readiness, clock);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty("amphi.auth.address")
    AuthServiceChannel authServiceChannel(@Value("${amphi.auth.address}") String authAddress) {
        return new AuthServiceChannel(authAddress);
    }

    @Bean
    @ConditionalOnProperty("amphi.auth.address")
    AuthServiceJwks authServiceJwks(AuthServiceChannel auth) {
        return new AuthServiceJwks(auth);
    }

    /** Services other than auth hold a copy of auth's revocations; auth provides its own list. */
    @Bean
    @ConditionalOnProperty("amphi.auth.address")
    @ConditionalOnMissingBean(RevocationList.class)
    RevocationFeed revocationFeed(
            AuthServiceChannel auth, HazelcastInstance hazelcast, Readiness readiness, Clock clock) {
        return new RevocationFeed(auth, new RevocationKey(hazelcast), readiness, clock);
    }

    /**
     * Callers are who their verified access tokens say, and nothing else: there is no mode in
     * which a service trusts a caller's word, so a service without its auth service's keys
     * ({@code amphi.auth.address}, host:port) refuses to start.
     */
    @Bean
    SigningKeySet signingKeySet(ObjectProvider<JwksSource> jwksSource, Readiness readiness) {
        JwksSource jwks = jwksSource.getIfAvailable(() -> {
            throw new IllegalStateException("No auth service configured: set amphi.auth.address to the host:port "
                    + "of the auth service's gRPC server, whose keys verify every caller's token.");
        });
        return new SigningKeySet(jwks, readiness);
    }

    @Bean
    GrpcServerLifecycle grpcServer(
            GrpcServerProperties properties,
            List<BindableService> services,
            Clock clock,
            SigningKeySet keys,
            RevocationList revocations,
            Readiness readiness) {
        ServerInterceptor identity = new TokenInterceptor(new TokenVerifier(keys, revocations, clock));
        // The last interceptor runs first: errors are mapped around everything, identity is read inside.
        return new GrpcServerLifecycle(
                properties,
                services,
                List.of(identity, new PeerAddress(properties.trustedProxies()), new ErrorMappingInterceptor()),
                readiness,
                new CallArrival(clock));
    }
}
