package io.amphi.auth;

import com.hazelcast.core.HazelcastInstance;
import io.amphi.auth.domain.AccessCodeHasher;
import io.amphi.auth.grpc.AuthGrpcService;
import io.amphi.auth.grpc.RevocationStreams;
import io.amphi.auth.http.JwksHttpEndpoint;
import io.amphi.auth.keys.SigningKeys;
import io.amphi.auth.keys.TokenIssuer;
import io.amphi.auth.revocation.DurableRevocations;
import io.amphi.auth.signin.SignIns;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.RefreshTokens;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.platform.cluster.LoginThrottle;
import io.amphi.platform.grpc.JwksSource;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the auth service. */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

    @Bean
    AccessCodeHasher accessCodeHasher(@Value("${amphi.auth.access-code-hash-iterations:10000}") int iterations) {
        return new AccessCodeHasher(iterations);
    }

    @Bean
    CandidateCredentials candidateCredentials(JdbcTemplate jdbc, AccessCodeHasher hasher) {
        return new CandidateCredentials(jdbc, hasher);
    }

    @Bean
    SigningKeys signingKeys(
            JdbcTemplate jdbc,
            Clock clock,
            @Value("${amphi.auth.key-rotation:6h}") Duration rotation,
            @Value("${amphi.auth.access-token-lifetime:10m}") Duration accessLifetime) {
        return new SigningKeys(jdbc, clock, rotation, accessLifetime);
    }

    @Bean
    TokenIssuer tokenIssuer(
            SigningKeys keys, Clock clock, @Value("${amphi.auth.access-token-lifetime:10m}") Duration accessLifetime) {
        return new TokenIssuer(keys, clock, accessLifetime);
    }

    @Bean
    RefreshTokens refreshTokens(
            JdbcTemplate jdbc,
            Clock clock,
            @Value("${amphi.auth.refresh-token-lifetime:5h}") Duration refreshLifetime) {
        return new RefreshTokens(jdbc, clock, refreshLifetime);
    }

    @Bean
    LoginThrottle loginThrottle(HazelcastInstance hazelcast, Clock clock) {
        return new LoginThrottle(hazelcast, clock, LoginThrottle.Rules.defaults());
    }

    @Bean
    ServiceAccounts serviceAccounts(JdbcTemplate jdbc, AccessCodeHasher hasher, Clock clock) {
        return new ServiceAccounts(jdbc, hasher, clock);
    }

    /**
     * In force for tokens an hour, or longer than the access tokens live if they live longer, so
     * every token issued before a withdrawal has expired when it lapses. Signing in stays barred
     * for good.
     */
    @Bean
    DurableRevocations revocations(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            RefreshTokens refreshTokens,
            HazelcastInstance hazelcast,
            Clock clock,
            @Value("${amphi.auth.access-token-lifetime:10m}") Duration accessLifetime) {
        Duration longerThanAnyToken = accessLifetime.plusMinutes(1);
        return new DurableRevocations(
                jdbc,
                transactions,
                refreshTokens,
                hazelcast,
                clock,
                longerThanAnyToken.compareTo(Duration.ofHours(1)) > 0 ? longerThanAnyToken : Duration.ofHours(1));
    }

    @Bean
    RevocationStreams revocationStreams(DurableRevocations revocations) {
        return new RevocationStreams(revocations);
    }

    @Bean
    SignIns signIns(
            CandidateCredentials candidates,
            ServiceAccounts accounts,
            TokenIssuer issuer,
            RefreshTokens refreshTokens,
            LoginThrottle throttle,
            DurableRevocations revocations) {
        return new SignIns(candidates, accounts, issuer, refreshTokens, throttle, revocations);
    }

    @Bean
    AuthGrpcService authGrpcService(
            SignIns signIns,
            CandidateCredentials candidates,
            SigningKeys keys,
            LoginThrottle throttle,
            DurableRevocations revocations,
            RevocationStreams revocationStreams) {
        return new AuthGrpcService(signIns, candidates, keys, throttle, revocations, revocationStreams);
    }

    @Bean
    JwksHttpEndpoint jwksHttpEndpoint(
            SigningKeys keys,
            @Value("${amphi.auth.http.address:127.0.0.1}") String address,
            @Value("${amphi.auth.http.port:8081}") int port) {
        return new JwksHttpEndpoint(keys, address, port);
    }

    /** The auth service verifies tokens (for Revoke) with its own published keys. */
    @Bean
    JwksSource ownJwks(SigningKeys keys) {
        return () -> keys.publicKeys().toString();
    }
}
