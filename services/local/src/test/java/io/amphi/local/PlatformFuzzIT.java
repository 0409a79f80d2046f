package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.CandidateCredential;
import io.amphi.proto.auth.v1.ClearSignInFailuresRequest;
import io.amphi.proto.auth.v1.GetJwksRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsRequest;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RefreshRequest;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.amphi.proto.auth.v1.Tokens;
import io.amphi.proto.common.v1.ErrorInfo;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.proto.delivery.v1.FlagQuestionRequest;
import io.amphi.proto.delivery.v1.GetExamContentRequest;
import io.amphi.proto.delivery.v1.ProveSubmissionRequest;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.amphi.proto.platform.v1.GetStatusRequest;
import io.amphi.proto.platform.v1.PlatformStatusServiceGrpc;
import io.amphi.proto.scoring.v1.GetExamStatisticsRequest;
import io.amphi.proto.scoring.v1.GetMyResultRequest;
import io.amphi.proto.scoring.v1.GetRescoreReportRequest;
import io.amphi.proto.scoring.v1.GetSessionResultRequest;
import io.amphi.proto.scoring.v1.ListResultsRequest;
import io.amphi.proto.scoring.v1.MultipleResponseKey;
import io.amphi.proto.scoring.v1.PublishAnswerKeyRequest;
import io.amphi.proto.scoring.v1.PublishResultsRequest;
import io.amphi.proto.scoring.v1.QuestionKey;
import io.amphi.proto.scoring.v1.ScoringServiceGrpc;
import io.amphi.proto.scoring.v1.SingleBestAnswerKey;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Thousands of random and mutated requests to every unary RPC of auth, delivery and scoring, over
 * the real servers of the local platform. Most are valid, authenticated requests with one field
 * bent (huge, empty, negative, foreign, repeated a thousand times) so they reach the handlers; the
 * rest are mutated or random bytes and wrong tokens. Every answer must be a documented status with
 * an ErrorInfo, a refusal must store nothing, and the platform must still serve normal calls after.
 * The seed is printed; {@code -Dfuzz.seed=N} replays a run. (WatchRevocations, a stream that stays
 * open, is left out.)
 */
class PlatformFuzzIT {

    private static final int CALLS = 3_000;
    /**
     * Beyond this (twice the accepted request), gRPC's transport refuses a message before any of
     * the platform's code sees it: RESOURCE_EXHAUSTED without an ErrorInfo, as the README says.
     */
    private static final int TRANSPORT_LIMIT = 8 * 1024 * 1024;

    private static final Set<Status.Code> DOCUMENTED = Set.of(
            Status.Code.OK,
            Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND,
            Status.Code.PERMISSION_DENIED,
            Status.Code.FAILED_PRECONDITION,
            Status.Code.UNAUTHENTICATED,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.ABORTED);
    private static final Metadata.Key<byte[]> ERROR_INFO =
            Metadata.Key.of("amphi-error-bin", Metadata.BINARY_BYTE_MARSHALLER);
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    @TempDir
    Path data;

    /** Who calls: each RPC has the role it is meant for. */
    private enum As {
        NOBODY,
        CANDIDATE,
        PROCTOR,
        UNIVERSITY,
        AUDITOR
    }

    /** One RPC: where it is served, who is meant to call it, and a valid request for it. */
    private record Rpc(String method, int port, As caller, Supplier<Message> valid) {}

    private record Tally(int calls, int reachedHandler) {}

    @Test
    void everyAnswerIsDocumentedAndNothingIsStoredOnARefusal() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("PlatformFuzzIT seed=" + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        try (LocalPlatform platform =
                LocalPlatform.start(data, new LocalPlatform.Ports(0, 0, 0, 0, 0), "fuzz-" + UUID.randomUUID())) {
            List<CandidateCredentials.Issued> candidates = platform.candidates();
            String exam = candidates.getFirst().examId();
            ManagedChannel auth = channel(platform.authPort());
            ManagedChannel delivery = channel(platform.deliveryPort());
            ManagedChannel scoring = channel(platform.scoringPort());
            try {
                Tokens candidateTokens = login(auth, candidates.getFirst());
                Map<As, String> tokens = new EnumMap<>(As.class);
                tokens.put(As.CANDIDATE, candidateTokens.getAccessToken());
                for (ServiceAccounts.Created account : platform.staff()) {
                    tokens.put(
                            As.valueOf(account.account().role().toUpperCase()),
                            AuthServiceGrpc.newBlockingStub(auth)
                                    .authenticateClient(AuthenticateClientRequest.newBuilder()
                                            .setClientId(account.account().clientId())
                                            .setClientSecret(account.secret())
                                            .build())
                                    .getAccessToken());
                }
                String candidate = candidates.getFirst().candidateNumber();
                String session = exam + ":" + candidate;
                DeliveryServiceGrpc.newBlockingStub(delivery)
                        .withInterceptors(bearer(tokens.get(As.CANDIDATE)))
                        .startSession(
                                StartSessionRequest.newBuilder().setExamId(exam).build());
                List<Rpc> rpcs = rpcs(platform, exam, session, candidate, random, candidateTokens.getRefreshToken());

                JdbcTemplate eventStore =
                        new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(
                                platform.eventStore(), true));
                JdbcTemplate authDatabase =
                        new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(
                                platform.authDatabase(), true));
                int reached = 0;
                for (int call = 0; call < CALLS; call++) {
                    Rpc rpc = rpcs.get(random.nextInt(rpcs.size()));
                    int mode = random.nextInt(10);
                    byte[] request;
                    String token;
                    if (mode < 7) {
                        request = bend(rpc.valid().get(), random).toByteArray();
                        token = tokens.get(rpc.caller());
                    } else if (mode < 9) {
                        request = mutateBytes(rpc.valid().get().toByteArray(), random);
                        token = tokens.get(rpc.caller());
                    } else {
                        request = randomBytes(random);
                        token = switch (random.nextInt(4)) {
                            case 0 -> null;
                            case 1 -> tokens.get(As.values()[random.nextInt(As.values().length)]);
                            case 2 -> forged(tokens.get(As.CANDIDATE), random);
                            default -> "x".repeat(random.nextInt(5_000));
                        };
                    }
                    long eventsBefore = count(
                            eventStore, "SELECT coalesce(max(global_index), 0) FROM event_store.domain_event_entry");
                    long authRowsBefore = count(authDatabase, AUTH_ROWS);
                    Status.Code code;
                    ErrorInfo info = null;
                    try {
                        io.grpc.Channel target = channelFor(rpc, auth, delivery, scoring);
                        if (token != null) {
                            target = io.grpc.ClientInterceptors.intercept(target, bearer(token));
                        }
                        ClientCalls.blockingUnaryCall(target, method(rpc.method()), callOptions(), request);
                        code = Status.Code.OK;
                    } catch (StatusRuntimeException refused) {
                        code = refused.getStatus().getCode();
                        byte[] raw = refused.getTrailers() == null
                                ? null
                                : refused.getTrailers().get(ERROR_INFO);
                        info = raw == null ? null : parse(raw);
                    }
                    String where = "call %d to %s (seed %d)".formatted(call, rpc.method(), seed);
                    assertThat(code).as(where).isIn(DOCUMENTED);
                    if (request.length > TRANSPORT_LIMIT) {
                        assertThat(code)
                                .as(where + ": refused by the transport itself")
                                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    } else if (code != Status.Code.OK) {
                        assertThat(info).as(where + ": ErrorInfo of " + code).isNotNull();
                        assertThat(info.getReason()).as(where).isNotBlank();
                        assertThat(info.getMessage()).as(where).isNotBlank().hasSizeLessThanOrEqualTo(1_000);
                        assertThat(count(
                                        eventStore,
                                        "SELECT coalesce(max(global_index), 0) FROM event_store.domain_event_entry"))
                                .as(where + ": nothing stored on " + info.getReason())
                                .isEqualTo(eventsBefore);
                        assertThat(count(authDatabase, AUTH_ROWS))
                                .as(where + ": nothing stored on " + info.getReason())
                                .isEqualTo(authRowsBefore);
                    }
                    boolean handled = mode < 9
                            && request.length <= TRANSPORT_LIMIT
                            && code != Status.Code.UNAUTHENTICATED
                            && (info == null
                                    || !Set.of("MALFORMED_REQUEST", "MESSAGE_TOO_LARGE")
                                            .contains(info.getReason()));
                    reached += handled ? 1 : 0;
                }
                System.out.printf("PlatformFuzzIT: %d calls, %d reached a handler%n", CALLS, reached);
                assertThat(reached)
                        .as("valid, authenticated requests that reached a handler")
                        .isGreaterThanOrEqualTo(CALLS / 2);

                Tokens again = login(auth, candidates.getFirst());
                assertThat(DeliveryServiceGrpc.newBlockingStub(delivery)
                                .withInterceptors(bearer(again.getAccessToken()))
                                .startSession(StartSessionRequest.newBuilder()
                                        .setExamId(exam)
                                        .build())
                                .hasSession())
                        .as("still serving normal calls")
                        .isTrue();
            } finally {
                auth.shutdownNow();
                delivery.shutdownNow();
                scoring.shutdownNow();
            }
        }
    }

    /** Rows a refused auth call must not add: codes, refresh tokens, revocations, accounts. */
    private static final String AUTH_ROWS = """
            SELECT (SELECT count(*) FROM auth_candidate) + (SELECT count(*) FROM auth_refresh_token)
                 + (SELECT count(*) FROM auth_revocation) + (SELECT count(*) FROM auth_service_account)""";

    /**
     * The RPCs and a valid request for each. Sign-ins rotate over the other demo candidates and the
     * staff accounts, so the pacing of one account's failures does not slow the whole run.
     */
    private static List<Rpc> rpcs(
            LocalPlatform platform, String exam, String session, String candidate, Random random, String refreshToken) {
        List<CandidateCredentials.Issued> others =
                platform.candidates().subList(1, platform.candidates().size());
        List<ServiceAccounts.Created> staff = platform.staff();
        int authPort = platform.authPort();
        int deliveryPort = platform.deliveryPort();
        int scoringPort = platform.scoringPort();
        String auth = AuthServiceGrpc.SERVICE_NAME + "/";
        String delivery = DeliveryServiceGrpc.SERVICE_NAME + "/";
        String scoring = ScoringServiceGrpc.SERVICE_NAME + "/";
        Answer choice = Answer.newBuilder()
                .setChoices(ChoiceAnswer.newBuilder().addOptionIds("B"))
                .build();
        return List.of(
                new Rpc(auth + "LoginCandidate", authPort, As.NOBODY, () -> {
                    CandidateCredentials.Issued other = others.get(random.nextInt(others.size()));
                    return LoginCandidateRequest.newBuilder()
                            .setExamId(exam)
                            .setCandidateNumber(other.candidateNumber())
                            .setAccessCode(other.accessCode())
                            .build();
                }),
                new Rpc(auth + "AuthenticateClient", authPort, As.NOBODY, () -> {
                    ServiceAccounts.Created account = staff.get(random.nextInt(staff.size()));
                    return AuthenticateClientRequest.newBuilder()
                            .setClientId(account.account().clientId())
                            .setClientSecret(account.secret())
                            .build();
                }),
                new Rpc(
                        auth + "Refresh",
                        authPort,
                        As.NOBODY,
                        () -> RefreshRequest.newBuilder()
                                .setRefreshToken(refreshToken)
                                .build()),
                new Rpc(
                        auth + "Revoke",
                        authPort,
                        As.PROCTOR,
                        () -> RevokeRequest.newBuilder()
                                .setSubject("fuzz-target")
                                .setExamId(exam)
                                .setReason("fuzzing")
                                .build()),
                new Rpc(auth + "GetJwks", authPort, As.NOBODY, GetJwksRequest::getDefaultInstance),
                new Rpc(
                        auth + "IssueCandidateCredentials",
                        authPort,
                        As.UNIVERSITY,
                        () -> IssueCandidateCredentialsRequest.newBuilder()
                                .setExamId(exam)
                                .addCandidates(CandidateCredential.newBuilder().setCandidateNumber("fuzz-new"))
                                .build()),
                new Rpc(
                        auth + "ClearSignInFailures",
                        authPort,
                        As.PROCTOR,
                        () -> ClearSignInFailuresRequest.newBuilder()
                                .setExamId(exam)
                                .setCandidateNumber(candidate)
                                .build()),
                new Rpc(
                        delivery + "StartSession",
                        deliveryPort,
                        As.CANDIDATE,
                        () -> StartSessionRequest.newBuilder().setExamId(exam).build()),
                new Rpc(
                        delivery + "GetExamContent",
                        deliveryPort,
                        As.CANDIDATE,
                        () -> GetExamContentRequest.newBuilder()
                                .setSessionId(session)
                                .build()),
                new Rpc(
                        delivery + "SaveAnswer",
                        deliveryPort,
                        As.CANDIDATE,
                        () -> SaveAnswerRequest.newBuilder()
                                .setSessionId(session)
                                .setQuestionId("q1")
                                .setSaveNumber(1)
                                .setAnswer(choice)
                                .build()),
                new Rpc(
                        delivery + "FlagQuestion",
                        deliveryPort,
                        As.CANDIDATE,
                        () -> FlagQuestionRequest.newBuilder()
                                .setSessionId(session)
                                .setQuestionId("q2")
                                .setFlagged(true)
                                .build()),
                new Rpc(
                        delivery + "SubmitSession",
                        deliveryPort,
                        As.CANDIDATE,
                        () -> SubmitSessionRequest.newBuilder()
                                .setSessionId(exam + ":someone-else")
                                .build()),
                new Rpc(
                        delivery + "ResumeSession",
                        deliveryPort,
                        As.CANDIDATE,
                        () -> ResumeSessionRequest.newBuilder()
                                .setSessionId(session)
                                .build()),
                new Rpc(
                        delivery + "ExtendTime",
                        deliveryPort,
                        As.PROCTOR,
                        () -> ExtendTimeRequest.newBuilder()
                                .setSessionId(session)
                                .setExtension(com.google.protobuf.Duration.newBuilder()
                                        .setSeconds(60))
                                .setReason("fuzzing")
                                .build()),
                new Rpc(
                        delivery + "CloseExam",
                        deliveryPort,
                        As.UNIVERSITY,
                        () -> CloseExamRequest.newBuilder().setExamId(exam).build()),
                new Rpc(
                        delivery + "GetReceiptKeys",
                        deliveryPort,
                        As.NOBODY,
                        com.google.protobuf.Empty::getDefaultInstance),
                new Rpc(
                        delivery + "ProveSubmission",
                        deliveryPort,
                        As.CANDIDATE,
                        () -> ProveSubmissionRequest.newBuilder()
                                .setSessionId(session)
                                .build()),
                new Rpc(
                        scoring + "PublishAnswerKey",
                        scoringPort,
                        As.UNIVERSITY,
                        () -> PublishAnswerKeyRequest.newBuilder()
                                .setExamId(exam)
                                .setContentVersion(1)
                                .setReason("fuzzing")
                                .addQuestions(QuestionKey.newBuilder()
                                        .setQuestionId("q1")
                                        .setSingleBestAnswer(
                                                SingleBestAnswerKey.newBuilder().setCorrectOptionId("B")))
                                .addQuestions(QuestionKey.newBuilder()
                                        .setQuestionId("q2")
                                        .setMultipleResponse(
                                                MultipleResponseKey.newBuilder().addCorrectOptionIds("A")))
                                .build()),
                new Rpc(
                        scoring + "GetRescoreReport",
                        scoringPort,
                        As.AUDITOR,
                        () -> GetRescoreReportRequest.newBuilder()
                                .setExamId(exam)
                                .setKeyVersion(1)
                                .build()),
                new Rpc(
                        scoring + "GetExamStatistics",
                        scoringPort,
                        As.UNIVERSITY,
                        () -> GetExamStatisticsRequest.newBuilder()
                                .setExamId(exam)
                                .build()),
                new Rpc(
                        scoring + "PublishResults",
                        scoringPort,
                        As.UNIVERSITY,
                        () -> PublishResultsRequest.newBuilder().setExamId(exam).build()),
                new Rpc(
                        scoring + "ListResults",
                        scoringPort,
                        As.AUDITOR,
                        () -> ListResultsRequest.newBuilder()
                                .setExamId(exam)
                                .setPageSize(10)
                                .build()),
                new Rpc(
                        scoring + "GetSessionResult",
                        scoringPort,
                        As.AUDITOR,
                        () -> GetSessionResultRequest.newBuilder()
                                .setSessionId(session)
                                .build()),
                new Rpc(
                        scoring + "GetMyResult",
                        scoringPort,
                        As.CANDIDATE,
                        () -> GetMyResultRequest.newBuilder().setExamId(exam).build()),
                new Rpc(
                        PlatformStatusServiceGrpc.SERVICE_NAME + "/GetStatus",
                        deliveryPort,
                        As.AUDITOR,
                        GetStatusRequest::getDefaultInstance));
    }

    /** A valid request with one field, somewhere in it, bent out of shape. */
    static Message bend(Message valid, Random random) {
        Message.Builder builder = valid.toBuilder();
        bendField(builder, random, 0);
        return builder.build();
    }

    private static void bendField(Message.Builder builder, Random random, int depth) {
        List<FieldDescriptor> fields = builder.getDescriptorForType().getFields();
        if (fields.isEmpty()) {
            return;
        }
        FieldDescriptor field = fields.get(random.nextInt(fields.size()));
        if (field.isMapField()) {
            builder.clearField(field);
            return;
        }
        if (field.isRepeated()) {
            int choice = random.nextInt(3);
            if (choice == 0) {
                builder.clearField(field);
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && builder.getRepeatedFieldCount(field) > 0) {
                Message.Builder element = ((Message) builder.getRepeatedField(field, 0)).toBuilder();
                bendField(element, random, depth + 1);
                builder.setRepeatedField(field, 0, element.build());
            } else if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                int copies = choice == 1 ? 1_000 : 2;
                for (int i = 0; i < copies; i++) {
                    builder.addRepeatedField(field, oddValue(field, random));
                }
            }
            return;
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            if (depth < 3 && random.nextBoolean()) {
                Message.Builder nested = ((Message) builder.getField(field)).toBuilder();
                bendField(nested, random, depth + 1);
                builder.setField(field, nested.build());
            } else {
                builder.clearField(field);
            }
            return;
        }
        builder.setField(field, oddValue(field, random));
    }

    private static Object oddValue(FieldDescriptor field, Random random) {
        return switch (field.getJavaType()) {
            case STRING ->
                switch (random.nextInt(9)) {
                    case 0 -> "";
                    case 1 -> "x".repeat(100_000);
                    case 2 -> "é".repeat(64);
                    case 3 -> "../../etc/passwd";
                    case 4 -> "a\u0000b\u0007c";
                    case 5 -> "id-" + "9".repeat(62);
                    case 6 -> "edn-2026:cand-001:extra";
                    case 7 -> "'; DROP TABLE domain_event_entry; --";
                    default -> "😀".repeat(1 + random.nextInt(40));
                };
            case INT -> new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt()}[random.nextInt(5)];
            case LONG ->
                new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53, random.nextLong()}[random.nextInt(6)];
            case BOOLEAN -> random.nextBoolean();
            case FLOAT -> Float.NaN;
            case DOUBLE -> Double.NEGATIVE_INFINITY;
            case ENUM ->
                field.getEnumType()
                        .getValues()
                        .get(random.nextInt(field.getEnumType().getValues().size()));
            case BYTE_STRING -> ByteString.copyFrom(randomBytes(random));
            case MESSAGE -> throw new IllegalStateException("messages are bent field by field");
        };
    }

    /** The bytes of a valid request, with bits flipped, bytes cut, inserted or repeated. */
    static byte[] mutateBytes(byte[] valid, Random random) {
        byte[] bytes = valid.length == 0 ? new byte[] {0x0A} : valid.clone();
        return switch (random.nextInt(4)) {
            case 0 -> {
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                yield bytes;
            }
            case 1 -> java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 2 -> {
                byte[] tail = new byte[4];
                random.nextBytes(tail);
                byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + tail.length);
                System.arraycopy(tail, 0, longer, bytes.length, tail.length);
                yield longer;
            }
            default -> {
                byte[] doubled = java.util.Arrays.copyOf(bytes, bytes.length * 2);
                System.arraycopy(bytes, 0, doubled, bytes.length, bytes.length);
                yield doubled;
            }
        };
    }

    /** A token with one character of its header, claims or signature changed. */
    static String forged(String token, Random random) {
        char[] chars = token.toCharArray();
        int at = random.nextInt(chars.length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static Tokens login(ManagedChannel auth, CandidateCredentials.Issued candidate) {
        return AuthServiceGrpc.newBlockingStub(auth)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .loginCandidate(LoginCandidateRequest.newBuilder()
                        .setExamId(candidate.examId())
                        .setCandidateNumber(candidate.candidateNumber())
                        .setAccessCode(candidate.accessCode())
                        .build());
    }

    private static ErrorInfo parse(byte[] raw) {
        try {
            return ErrorInfo.parseFrom(raw);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("amphi-error-bin is not an ErrorInfo", e);
        }
    }

    private static long count(JdbcTemplate jdbc, String query) {
        return jdbc.queryForObject(query, Long.class);
    }

    private static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    private static ManagedChannel channelFor(
            Rpc rpc, ManagedChannel auth, ManagedChannel delivery, ManagedChannel scoring) {
        return rpc.method().startsWith(AuthServiceGrpc.SERVICE_NAME)
                ? auth
                : rpc.method().startsWith(ScoringServiceGrpc.SERVICE_NAME) ? scoring : delivery;
    }

    private static MethodDescriptor<byte[], byte[]> method(String fullName) {
        return MethodDescriptor.newBuilder(BYTES, BYTES)
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullName)
                .build();
    }

    private static CallOptions callOptions() {
        return CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
