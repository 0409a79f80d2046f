package io.amphi.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The line calls wait in for a thread, on a real server with one call thread: a call that waited
 * longer than allowed is refused as busy instead of run, and health checks never wait in it.
 */
class CallLineIT {

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

    private static final MethodDescriptor<byte[], byte[]> WORK = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("amphi.test.Slow/Work")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    @Test
    void aCallThatWaitedTooLongForAThreadIsRefusedAsBusyWhileHealthChecksNeverWait() throws Exception {
        CountDownLatch firstMayFinish = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        BindableService slow = () -> ServerServiceDefinition.builder("amphi.test.Slow")
                .addMethod(WORK, ServerCalls.asyncUnaryCall((request, response) -> {
                    firstRunning.countDown();
                    try {
                        firstMayFinish.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    response.onNext(request);
                    response.onCompleted();
                }))
                .build();
        GrpcServerProperties properties = new GrpcServerProperties(
                0,
                "127.0.0.1",
                Duration.ofSeconds(5),
                DataSize.ofMegabytes(4),
                DataSize.ofKilobytes(16),
                List.of(),
                1,
                Duration.ofMillis(300));
        GrpcServerLifecycle server = new GrpcServerLifecycle(
                properties, List.of(slow), List.of(), new Readiness(), new CallArrival(Clock.systemUTC()));
        server.start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        try {
            Future<byte[]> first = work(channel, 1);
            assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
            Future<byte[]> waiting = work(channel, 2);

            assertThat(HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.newBuilder()
                                    .setService(GrpcServerLifecycle.LIVENESS)
                                    .build())
                            .getStatus())
                    .as("the liveness check answers while the only call thread is taken")
                    .isEqualTo(ServingStatus.SERVING);

            Thread.sleep(600);
            firstMayFinish.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(1);
            ExecutionException refused =
                    catchThrowableOfType(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            assertThat(refused)
                    .as("the call that waited 600 ms, more than 300, was refused")
                    .isNotNull();
            StatusRuntimeException busy = (StatusRuntimeException) refused.getCause();
            assertThat(busy.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            ErrorInfo info = busy.getTrailers().get(ErrorMapping.ERROR_INFO_KEY);
            assertThat(info.getReason()).isEqualTo("REPLICA_BUSY");
            assertThat(info.getRetryable()).isTrue();

            assertThat(work(channel, 3).get(10, TimeUnit.SECONDS))
                    .as("a call that finds a thread free runs")
                    .containsExactly(3);
        } finally {
            firstMayFinish.countDown();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.stop();
        }
    }

    private static CompletableFuture<byte[]> work(ManagedChannel channel, int request) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(
                channel.newCall(WORK, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
                new byte[] {(byte) request},
                new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        return answer;
    }
}
