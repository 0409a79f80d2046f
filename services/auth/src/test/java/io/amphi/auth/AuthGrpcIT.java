package io.amphi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.amphi.auth.http.JwksHttpEndpoint;
import io.amphi.auth.keys.SigningKeys;
import io.amphi.auth.revocation.DurableRevocations;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.platform.cluster.ClusterConfigs;
import io.amphi.platform.cluster.ClusterProperties;
import io.amphi.platform.cluster.LoginThrottle;
import io.amphi.platform.cluster.RateLimiter;
import io.amphi.platform.domain.Identifiers;
import io.amphi.platform.grpc.AuthServiceChannel;
import io.amphi.platform.grpc.AuthServiceJwks;
import io.amphi.platform.grpc.Caller;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.platform.grpc.Readiness;
import io.amphi.platform.grpc.SigningKeySet;
import io.amphi.platform.grpc.TokenVerifier;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthServiceGrpc.AuthServiceBlockingStub;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.CandidateCredential;
import io.amphi.proto.auth.v1.GetJwksRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsResponse;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RefreshRequest;
import io.amphi.proto.auth.v1.Tokens;
import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** The auth service on a real PostgreSQL and a real gRPC server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthGrpcIT {

    private static final String EXAM = "edn-2026";

    @TempDir
    static Path data;

    private ConfigurableApplicationContext context;
    private ManagedChannel channel;
    private AuthServiceBlockingStub auth;

    @BeforeAll
    void start() {
        context = new SpringApplicationBuilder(AuthApplication.class)
                .run(
                        "--amphi.grpc.port=0",
                        "--amphi.embedded-postgres.data-directory=" + data,
                        "--amphi.hazelcast.cluster-name=auth-it-" + UUID.randomUUID(),
                        "--amphi.auth.http.port=0");
        channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", context.getBean(GrpcServerLifecycle.class).port())
                .usePlaintext()
                .build();
        auth = AuthServiceGrpc.newBlockingStub(channel);
        List<CandidateCredentials.Issued> issued = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            issued.add(new CandidateCredentials.Issued(EXAM, "C%05d".formatted(i), "CODE-%05d-XQ7M".formatted(i)));
        }
        context.getBean(CandidateCredentials.class).store(issued);
    }

    @AfterAll
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        context.close();
    }

    private static LoginCandidateRequest login(String number, String code) {
        return LoginCandidateRequest.newBuilder()
                .setExamId(EXAM)
                .setCandidateNumber(number)
                .setAccessCode(code)
                .build();
    }

    private SignedJWT verified(String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        JWKSet keys =
                JWKSet.parse(auth.getJwks(GetJwksRequest.getDefaultInstance()).getJson());
        ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("the token's key is published").isNotNull();
        assertThat(key.isPrivate()).as("only public keys are published").isFalse();
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
        return jwt;
    }

    @Test
    void aCandidateSignsInAndGetsAVerifiableToken() throws Exception {
        Tokens tokens = auth.loginCandidate(login("C00001", "CODE-00001-XQ7M"));
        SignedJWT jwt = verified(tokens.getAccessToken());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("C00001");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("role")).isEqualTo("candidate");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("exam")).isEqualTo(EXAM);
        assertThat(Duration.between(
                        Instant.now(), jwt.getJWTClaimsSet().getExpirationTime().toInstant()))
                .isBetween(Duration.ofMinutes(8).minusSeconds(2), Duration.ofMinutes(10));
        assertThat(tokens.getRefreshToken()).hasSizeGreaterThanOrEqualTo(43);
    }

    @Test
    void tokensIssuedTogetherExpireSpreadOverTheLastFifthOfTheirLifetime() throws Exception {
        Instant issuedFrom = Instant.now();
        Tokens tokens = auth.loginCandidate(login("C00011", "CODE-00011-XQ7M"));
        List<Instant> expiries = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            tokens = auth.refresh(RefreshRequest.newBuilder()
                    .setRefreshToken(tokens.getRefreshToken())
                    .build());
            Instant expiresAt =
                    Instant.ofEpochSecond(tokens.getAccessExpiresAt().getSeconds());
            assertThat(verified(tokens.getAccessToken())
                            .getJWTClaimsSet()
                            .getExpirationTime()
                            .toInstant())
                    .as("the token expires when the answer says")
                    .isEqualTo(expiresAt);
            expiries.add(expiresAt);
        }
        Instant issuedUntil = Instant.now();
        assertThat(expiries)
                .as("never longer than the configured ten minutes, never shorter than eight")
                .allSatisfy(expiresAt -> assertThat(expiresAt)
                        .isBetween(
                                issuedFrom.plus(Duration.ofMinutes(8)).minusSeconds(1),
                                issuedUntil.plus(Duration.ofMinutes(10))));
        assertThat(Duration.between(Collections.min(expiries), Collections.max(expiries)))
                .as("30 tokens issued one after the other expire spread over up to two minutes, not in the same second")
                .isGreaterThan(Duration.ofSeconds(45));
    }

    @Test
    void aWrongCodeAndAnUnknownNumberGetTheSameAnswer() {
        StatusRuntimeException wrongCode = catchThrowableOfType(
                StatusRuntimeException.class, () -> auth.loginCandidate(login("C00002", "CODE-00003-XQ7M")));
        StatusRuntimeException unknown = catchThrowableOfType(
                StatusRuntimeException.class, () -> auth.loginCandidate(login("C99999", "CODE-00003-XQ7M")));
        assertThat(wrongCode.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrongCode.getStatus().getDescription())
                .isEqualTo(unknown.getStatus().getDescription());
    }

    @Test
    void missingCredentialsAreInvalid() {
        StatusRuntimeException error =
                catchThrowableOfType(StatusRuntimeException.class, () -> auth.loginCandidate(login("", "x")));
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getTrailers().get(ErrorMapping.ERROR_INFO_KEY).getReason())
                .isEqualTo("MISSING_CANDIDATE_NUMBER");
    }

    @Test
    void theRevocationListIsForMembersOfTheClusterOnly() {
        for (String proof : new String[] {"", "29000000.deadbeef", "x".repeat(5_000)}) {
            StatusRuntimeException refused = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> auth.watchRevocations(io.amphi.proto.auth.v1.WatchRevocationsRequest.newBuilder()
                                    .setProof(proof)
                                    .build())
                            .hasNext());
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(refused.getTrailers().get(ErrorMapping.ERROR_INFO_KEY).getReason())
                    .isEqualTo("NOT_A_MEMBER");
        }
        byte[] key = new io.amphi.platform.cluster.RevocationKey(context.getBean(HazelcastInstance.class))
                .current()
                .orElseThrow();
        var member = auth.withDeadlineAfter(10, TimeUnit.SECONDS)
                .watchRevocations(io.amphi.proto.auth.v1.WatchRevocationsRequest.newBuilder()
                        .setProof(io.amphi.platform.cluster.RevocationKey.proof(key, System.currentTimeMillis()))
                        .build());
        io.amphi.proto.auth.v1.RevocationUpdate first = member.next();
        while (!first.getComplete()) {
            first = member.next();
        }
        assertThat(first.getKeyId()).isEqualTo(io.amphi.platform.cluster.RevocationKey.id(key));
    }

    @Test
    void aRefreshTokenWorksOnceAndAStolenCopyEndsTheFamily() throws Exception {
        Tokens first = auth.loginCandidate(login("C00004", "CODE-00004-XQ7M"));
        Tokens second = auth.refresh(RefreshRequest.newBuilder()
                .setRefreshToken(first.getRefreshToken())
                .build());
        assertThat(verified(second.getAccessToken()).getJWTClaimsSet().getSubject())
                .isEqualTo("C00004");

        StatusRuntimeException replay = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> auth.refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(first.getRefreshToken())
                        .build()));
        assertThat(replay.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        StatusRuntimeException afterTheft = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> auth.refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(second.getRefreshToken())
                        .build()));
        assertThat(afterTheft.getStatus().getCode())
                .as("the thief's use ended the newer token too")
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void rotatingTheKeyLogsNobodyOut() throws Exception {
        Tokens before = auth.loginCandidate(login("C00005", "CODE-00005-XQ7M"));
        String oldKey = SignedJWT.parse(before.getAccessToken()).getHeader().getKeyID();
        String announced = context.getBean(SigningKeys.class).nextKeyId();
        assertThat(auth.getJwks(GetJwksRequest.getDefaultInstance()).getKeyIdsList())
                .as("the next key is published before it signs")
                .contains(announced);

        context.getBean(SigningKeys.class).rotate();

        Tokens after = auth.loginCandidate(login("C00005", "CODE-00005-XQ7M"));
        String newKey = SignedJWT.parse(after.getAccessToken()).getHeader().getKeyID();
        assertThat(newKey).isNotEqualTo(oldKey).isEqualTo(announced);
        assertThat(auth.getJwks(GetJwksRequest.getDefaultInstance()).getKeyIdsList())
                .contains(oldKey, newKey);
        verified(before.getAccessToken());
        verified(after.getAccessToken());
    }

    @Test
    void publishesTheSameKeysOverHttp() throws Exception {
        int port = context.getBean(JwksHttpEndpoint.class).port();
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + port + JwksHttpEndpoint.PATH))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/jwk-set+json");
        assertThat(JWKSet.parse(response.body()).getKeys())
                .extracting(k -> k.getKeyID())
                .containsExactlyInAnyOrderElementsOf(
                        auth.getJwks(GetJwksRequest.getDefaultInstance()).getKeyIdsList());

        var missing = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/admin"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).contains("application/problem+json");
    }

    @Test
    void aServiceAccountSignsInWithItsRoleAndScopes() throws Exception {
        ServiceAccounts.Created university = context.getBean(ServiceAccounts.class)
                .create("univ-paris", "university", Set.of("results:read", "exams:write"), Set.of(EXAM));
        Tokens tokens = auth.authenticateClient(AuthenticateClientRequest.newBuilder()
                .setClientId("univ-paris")
                .setClientSecret(university.secret())
                .build());
        SignedJWT jwt = verified(tokens.getAccessToken());
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("univ-paris");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("role")).isEqualTo("university");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("exams:write results:read");
        assertThat(tokens.getRefreshToken()).isEmpty();

        StatusRuntimeException wrongSecret = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> auth.authenticateClient(AuthenticateClientRequest.newBuilder()
                        .setClientId("univ-paris")
                        .setClientSecret("guess")
                        .build()));
        StatusRuntimeException unknown = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> auth.authenticateClient(AuthenticateClientRequest.newBuilder()
                        .setClientId("nobody")
                        .setClientSecret(university.secret())
                        .build()));
        assertThat(wrongSecret.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrongSecret.getStatus().getDescription())
                .isEqualTo(unknown.getStatus().getDescription());
    }

    @Test
    void aUniversityWithExamsWriteIssuesItsCandidatesCodes() {
        ServiceAccounts accounts = context.getBean(ServiceAccounts.class);
        String writer = tokenOf(accounts.create("univ-lyon", "university", Set.of("exams:write"), Set.of("lyon-2026")));
        String reader = tokenOf(accounts.create("univ-lyon-results", "university", Set.of("results:read"), Set.of()));
        String proctor = tokenOf(accounts.create("proctor-lyon", "proctor", Set.of("exams:write"), Set.of()));
        String otherUniversity =
                tokenOf(accounts.create("univ-paris-codes", "university", Set.of("exams:write"), Set.of("paris-2026")));
        String candidate =
                auth.loginCandidate(login("C00010", "CODE-00010-XQ7M")).getAccessToken();
        IssueCandidateCredentialsRequest batch = IssueCandidateCredentialsRequest.newBuilder()
                .setExamId("lyon-2026")
                .addCandidates(candidate("L0001"))
                .addCandidates(candidate("L0002"))
                .build();

        IssueCandidateCredentialsResponse issued = bearer(writer).issueCandidateCredentials(batch);
        assertThat(issued.getStored()).isEqualTo(2);
        assertThat(issued.getCredentialsList())
                .extracting(CandidateCredential::getCandidateNumber)
                .containsExactly("L0001", "L0002");
        assertThat(issued.getCredentialsList())
                .extracting(CandidateCredential::getAccessCode)
                .allMatch(
                        code -> code.matches("[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}"),
                        "a generated code")
                .doesNotHaveDuplicates();
        String code = issued.getCredentials(1).getAccessCode();
        assertThat(auth.loginCandidate(LoginCandidateRequest.newBuilder()
                                .setExamId("lyon-2026")
                                .setCandidateNumber("L0002")
                                .setAccessCode(code)
                                .build())
                        .getAccessToken())
                .isNotEmpty();
        assertThat(context.getBean(JdbcTemplate.class)
                        .queryForObject(
                                "SELECT code_hash FROM auth_candidate WHERE exam_id = 'lyon-2026' AND candidate_number = 'L0002'",
                                String.class))
                .as("only the hash is stored")
                .startsWith("pbkdf2-sha256$10000$")
                .doesNotContain(code);

        assertThat(refusal(() -> auth.issueCandidateCredentials(batch)).getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusal(() -> bearer(reader).issueCandidateCredentials(batch)))
                .satisfies(status -> assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
                .satisfies(status -> assertThat(status.getDescription()).contains("exams:write"));
        assertThat(refusal(() -> bearer(proctor).issueCandidateCredentials(batch))
                        .getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refusal(() -> bearer(candidate).issueCandidateCredentials(batch))
                        .getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refusal(() -> bearer(otherUniversity).issueCandidateCredentials(batch)))
                .as("a university works only on its own exams")
                .satisfies(status -> assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
                .satisfies(status -> assertThat(status.getDescription())
                        .contains("paris-2026")
                        .contains("lyon-2026"));

        IssueCandidateCredentialsRequest chosen = IssueCandidateCredentialsRequest.newBuilder()
                .setExamId("lyon-2026")
                .addCandidates(candidate("L0003"))
                .addCandidates(CandidateCredential.newBuilder()
                        .setCandidateNumber("L0004")
                        .setAccessCode("1234"))
                .build();
        assertThat(refusal(() -> bearer(writer).issueCandidateCredentials(chosen)))
                .as("codes are generated, never chosen")
                .satisfies(status -> assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .satisfies(status ->
                        assertThat(status.getDescription()).contains("Entry 1").contains("L0004"));
        IssueCandidateCredentialsRequest twice = IssueCandidateCredentialsRequest.newBuilder()
                .setExamId("lyon-2026")
                .addCandidates(candidate("L0005"))
                .addCandidates(candidate("L0005"))
                .build();
        assertThat(refusal(() -> bearer(writer).issueCandidateCredentials(twice))
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refusal(() -> bearer(writer)
                        .issueCandidateCredentials(IssueCandidateCredentialsRequest.newBuilder()
                                .setExamId("lyon-2026")
                                .addCandidates(candidate("L0006"))
                                .addCandidates(candidate("L 0007"))
                                .build())))
                .satisfies(status -> assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .satisfies(status ->
                        assertThat(status.getDescription()).contains("Entry 1").contains("candidate_number"));
        assertThat(refusal(() -> bearer(writer)
                                .issueCandidateCredentials(IssueCandidateCredentialsRequest.newBuilder()
                                        .setExamId("lyon 2026")
                                        .addCandidates(candidate("L0006"))
                                        .build()))
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refusal(() -> bearer(writer)
                                .issueCandidateCredentials(IssueCandidateCredentialsRequest.newBuilder()
                                        .setExamId("lyon-2026")
                                        .build()))
                        .getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(context.getBean(JdbcTemplate.class)
                        .queryForObject(
                                "SELECT count(*) FROM auth_candidate WHERE exam_id = 'lyon-2026'", Integer.class))
                .as("refused batches store nothing")
                .isEqualTo(2);
    }

    private String tokenOf(ServiceAccounts.Created account) {
        return auth.authenticateClient(AuthenticateClientRequest.newBuilder()
                        .setClientId(account.account().clientId())
                        .setClientSecret(account.secret())
                        .build())
                .getAccessToken();
    }

    private AuthServiceBlockingStub bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return auth.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static CandidateCredential candidate(String number) {
        return CandidateCredential.newBuilder().setCandidateNumber(number).build();
    }

    private static Status refusal(Runnable call) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).as("refused").isNotNull();
        return error.getStatus();
    }

    @Test
    void everyServiceVerifiesTokensLocallyWithThePublishedKeys() {
        String address =
                "127.0.0.1:" + context.getBean(GrpcServerLifecycle.class).port();
        try (AuthServiceChannel channel = new AuthServiceChannel(address)) {
            SigningKeySet jwks = new SigningKeySet(new AuthServiceJwks(channel), new Readiness());
            TokenVerifier verifier =
                    new TokenVerifier(jwks, context.getBean(DurableRevocations.class), Clock.systemUTC());
            String token =
                    auth.loginCandidate(login("C00006", "CODE-00006-XQ7M")).getAccessToken();
            assertThat(verifier.verify(token))
                    .isEqualTo(new Caller(Caller.Role.CANDIDATE, "C00006", EXAM, Set.of(), Set.of()));

            String[] parts = token.split("\\.");
            String forged = parts[0] + "."
                    + java.util.Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(
                                    "{\"iss\":\"amphi\",\"sub\":\"C00007\",\"role\":\"proctor\",\"exp\":4102444800}"
                                            .getBytes())
                    + "." + parts[2];
            assertThat(catchThrowableOfType(TokenVerifier.InvalidToken.class, () -> verifier.verify(forged)))
                    .hasMessageContaining("signature");
            assertThat(catchThrowableOfType(TokenVerifier.InvalidToken.class, () -> verifier.verify("not-a-token")))
                    .hasMessageContaining("not a signed JWT");

            TokenVerifier elevenMinutesLater = new TokenVerifier(
                    jwks,
                    context.getBean(DurableRevocations.class),
                    Clock.offset(Clock.systemUTC(), Duration.ofMinutes(11)));
            assertThat(catchThrowableOfType(TokenVerifier.InvalidToken.class, () -> elevenMinutesLater.verify(token)))
                    .hasMessageContaining("expired");

            context.getBean(SigningKeys.class).rotate();
            String afterRotation =
                    auth.loginCandidate(login("C00006", "CODE-00006-XQ7M")).getAccessToken();
            await().atMost(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> verifier.verify(afterRotation) != null);
            assertThat(verifier.verify(token).id())
                    .as("tokens of the retired key still pass")
                    .isEqualTo("C00006");
        }
    }

    @Test
    void repeatedFailuresFromOneSourceSlowThenLockItOnEveryReplica() {
        for (int i = 0; i < 3; i++) {
            assertThat(catchThrowableOfType(
                                    StatusRuntimeException.class, () -> auth.loginCandidate(login("C00030", "wrong")))
                            .getStatus()
                            .getCode())
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        StatusRuntimeException slowed = catchThrowableOfType(
                StatusRuntimeException.class, () -> auth.loginCandidate(login("C00030", "CODE-00030-XQ7M")));
        assertThat(slowed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        ErrorInfo info = slowed.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
        assertThat(info.getReason()).isEqualTo("SIGN_IN_LOCKED");
        assertThat(info.getRetryAfter().getSeconds()).isBetween(1L, 5L);
        assertThat(auth.loginCandidate(login("C00031", "CODE-00031-XQ7M")).getAccessToken())
                .as("other candidates are not slowed")
                .isNotEmpty();

        ClusterProperties cluster = context.getBean(ClusterProperties.class);
        HazelcastInstance otherReplica =
                Hazelcast.newHazelcastInstance(ClusterConfigs.memberConfig(cluster, "other-replica"));
        try {
            LoginThrottle seenElsewhere =
                    new LoginThrottle(otherReplica, Clock.systemUTC(), LoginThrottle.Rules.defaults());
            assertThat(catchThrowableOfType(
                            RateLimiter.RateLimitExceeded.class,
                            () -> seenElsewhere.admit(Identifiers.identity("C00030", EXAM), "127.0.0.1")))
                    .isNotNull();
        } finally {
            otherReplica.shutdown();
        }

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(auth.loginCandidate(login("C00030", "CODE-00030-XQ7M"))
                                .getAccessToken())
                        .isNotEmpty());
    }

    @Test
    void fiveFailuresFromOneSourceLockItForAMinute() {
        for (int i = 0; i < 3; i++) {
            catchThrowableOfType(StatusRuntimeException.class, () -> auth.loginCandidate(login("C00040", "wrong")));
        }
        for (int failure = 4; failure <= 5; failure++) {
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> catchThrowableOfType(
                                            StatusRuntimeException.class,
                                            () -> auth.loginCandidate(login("C00040", "wrong")))
                                    .getStatus()
                                    .getCode()
                            == Status.Code.UNAUTHENTICATED);
        }
        StatusRuntimeException locked = catchThrowableOfType(
                StatusRuntimeException.class, () -> auth.loginCandidate(login("C00040", "CODE-00040-XQ7M")));
        assertThat(locked.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(locked.getTrailers()
                        .get(ErrorMapping.ERROR_INFO_KEY)
                        .getRetryAfter()
                        .getSeconds())
                .isBetween(30L, 60L);
    }
}
