package io.amphi.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.amphi.gateway.GatewayProperties;
import io.amphi.proto.common.v1.ErrorInfo;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.ExtendTimeRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveAnswerResponse;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.SessionState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** What the gateway sends again and what it never does, against a gRPC server that fails on cue. */
class CallsTest {

    private final Deque<Status> failures = new ArrayDeque<>();
    private final AtomicInteger saves = new AtomicInteger();
    private final AtomicInteger extensions = new AtomicInteger();
    private final List<String> forwardedFor = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Server server;
    private ManagedChannel channel;
    private Calls calls;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(new DeliveryServiceGrpc.DeliveryServiceImplBase() {
                    @Override
                    public void saveAnswer(SaveAnswerRequest request, StreamObserver<SaveAnswerResponse> response) {
                        saves.incrementAndGet();
                        answer(
                                response,
                                SaveAnswerResponse.newBuilder()
                                        .setSaveNumber(request.getSaveNumber())
                                        .setOutcome(SaveOutcome.SAVE_OUTCOME_APPLIED)
                                        .build());
                    }

                    @Override
                    public void extendTime(ExtendTimeRequest request, StreamObserver<SessionState> response) {
                        extensions.incrementAndGet();
                        answer(response, SessionState.getDefaultInstance());
                    }
                })
                .intercept(new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
                            io.grpc.ServerCall<Q, R> call, Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
                        forwardedFor.add(headers.get(Calls.FORWARDED_FOR));
                        return next.startCall(call, headers);
                    }
                })
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
        calls = new Calls(new GatewayProperties(
                "a",
                "b",
                "c",
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                DataSize.ofKilobytes(256),
                DataSize.ofMegabytes(8),
                List.of(),
                List.of()));
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private <T> void answer(StreamObserver<T> response, T value) {
        Status failure;
        synchronized (failures) {
            failure = failures.poll();
        }
        if (failure != null) {
            Metadata trailers = new Metadata();
            if (failure.getDescription() != null && failure.getDescription().startsWith("wait ")) {
                trailers.put(
                        ServiceErrors.ERROR_INFO,
                        ErrorInfo.newBuilder()
                                .setReason("BUSY")
                                .setRetryable(true)
                                .setRetryAfter(com.google.protobuf.Duration.newBuilder()
                                        .setSeconds(Long.parseLong(
                                                failure.getDescription().substring(5))))
                                .build());
            }
            response.onError(failure.asRuntimeException(trailers));
            return;
        }
        response.onNext(value);
        response.onCompleted();
    }

    private final Calls.Caller caller = new Calls.Caller("Bearer x", "10.1.2.3");

    @Test
    void aSaveTheServiceCouldNotTakeIsSentAgainWithItsNumber() {
        failures.add(Status.UNAVAILABLE);
        failures.add(Status.ABORTED);
        SaveAnswerResponse saved = calls.idempotent(
                DeliveryServiceGrpc.newBlockingStub(channel),
                caller,
                d -> d.saveAnswer(
                        SaveAnswerRequest.newBuilder().setSaveNumber(7).build()));
        assertThat(saved.getSaveNumber()).isEqualTo(7);
        assertThat(saves).hasValue(3);
        assertThat(forwardedFor).containsOnly("10.1.2.3");
    }

    @Test
    void givesUpAfterThreeAttemptsAndPassesTheLastRefusalOn() {
        failures.addAll(List.of(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.UNAVAILABLE));
        assertThatThrownBy(() -> calls.idempotent(
                        DeliveryServiceGrpc.newBlockingStub(channel),
                        caller,
                        d -> d.saveAnswer(
                                SaveAnswerRequest.newBuilder().setSaveNumber(7).build())))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(saves).hasValue(3);
    }

    @Test
    void neverRepeatsARefusalThatARepeatCannotChangeNorWaitsLongOnTheClientsBehalf() {
        failures.add(Status.INVALID_ARGUMENT);
        assertThatThrownBy(() -> calls.idempotent(
                        DeliveryServiceGrpc.newBlockingStub(channel),
                        caller,
                        d -> d.saveAnswer(SaveAnswerRequest.getDefaultInstance())))
                .isInstanceOf(StatusRuntimeException.class);
        assertThat(saves).hasValue(1);

        failures.add(Status.UNAVAILABLE.withDescription("wait 5"));
        assertThatThrownBy(() -> calls.idempotent(
                        DeliveryServiceGrpc.newBlockingStub(channel),
                        caller,
                        d -> d.saveAnswer(SaveAnswerRequest.getDefaultInstance())))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(ServiceErrors.retryAfter(e)).isEqualTo(Duration.ofSeconds(5)));
        assertThat(saves)
                .as("a wait of 5 s goes back to the client with Retry-After")
                .hasValue(2);
    }

    @Test
    void anExtensionIsSentOnceEvenWhenItsAnswerIsLost() {
        failures.add(Status.UNAVAILABLE);
        assertThatThrownBy(() -> calls.once(
                        DeliveryServiceGrpc.newBlockingStub(channel),
                        caller,
                        d -> d.extendTime(ExtendTimeRequest.getDefaultInstance())))
                .isInstanceOf(StatusRuntimeException.class);
        assertThat(extensions).hasValue(1);
    }
}
