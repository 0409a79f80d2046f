package io.amphi.platform.grpc;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the service's gRPC server with health checking and server reflection, every
 * {@link BindableService} bean behind the platform's interceptors and its {@link RequestBoundary}.
 * It starts after everything else (so no call arrives before the event processors run) and stops
 * first, letting calls in flight finish.
 *
 * <p>Calls to the services run on a fixed number of threads ({@code amphi.grpc.call-threads}); those
 * beyond wait in line, and one whose caller gave up meanwhile is dropped before it runs. Health
 * checks do not wait in that line. gRPC's default, a thread
 * per waiting call, spawned 2,228 threads in a minute of overload (JFR, 2,000 saves/s on 2 cores):
 * they shared the cores with the event writer every command waits for, which then committed a few
 * batches a second: 870 saves/s held, 67,821 past their deadline. On 64 threads the same load is
 * held whole, p99 248 ms. A call that waited in line longer than {@code amphi.grpc.max-queue-wait}
 * is refused rather than run ({@link RequestBoundary}): once a backlog formed, calls were otherwise
 * served just before their callers gave up, and the replica never caught up.
 *
 * <p>Health: every service name and the server as a whole ("") answer SERVING only while the
 * replica is {@link Readiness ready} (a readiness probe); the service {@value #LIVENESS} answers
 * SERVING as long as the process runs (a liveness probe: a database restart must never restart
 * the services).
 */
public class GrpcServerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcServerLifecycle.class);

    private final GrpcServerProperties properties;
    private final List<BindableService> services;
    private final List<ServerInterceptor> interceptors;
    private final Readiness readiness;
    private final CallArrival arrival;
    private final HealthStatusManager health = new HealthStatusManager();
    private volatile Server server;
    private ExecutorService callThreads;

    /** The health service name a liveness probe asks for. */
    public static final String LIVENESS = "liveness";

    /**
     * How much larger than the accepted request the transport lets a message or a header list
     * be: up to there, an oversized request gets its own INVALID_ARGUMENT with an ErrorInfo; beyond,
     * gRPC and HTTP/2 refuse it themselves (a header list beyond 1.25 times the transport's limit
     * ends the connection, so that limit is far above anything a client sends, yet bounded with the
     * calls per connection so headers cannot exhaust memory).
     */
    static final int TRANSPORT_METADATA_LIMIT = 256 * 1024;
    /** Calls one connection may have open at once: a gateway multiplexes hundreds of candidates on one. */
    static final int CALLS_PER_CONNECTION = 1_000;

    public GrpcServerLifecycle(
            GrpcServerProperties properties,
            List<BindableService> services,
            List<ServerInterceptor> interceptors,
            Readiness readiness,
            CallArrival arrival) {
        this.properties = properties;
        this.services = services;
        this.interceptors = interceptors;
        this.readiness = readiness;
        this.arrival = arrival;
    }

    @Override
    public void start() {
        int maxMessage = (int)
                Math.min(Integer.MAX_VALUE / 2, properties.maxMessageSize().toBytes());
        RequestBoundary boundary = new RequestBoundary(
                maxMessage, (int) properties.maxMetadataSize().toBytes(), arrival, properties.maxQueueWait());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                        new InetSocketAddress(properties.address(), properties.port()))
                .maxInboundMessageSize(2 * maxMessage)
                .maxInboundMetadataSize(TRANSPORT_METADATA_LIMIT)
                .maxConcurrentCallsPerConnection(CALLS_PER_CONNECTION)
                // Services keep long streams to each other (revocations) and ping them every 30 s.
                .permitKeepAliveTime(20, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addStreamTracerFactory(arrival)
                .fallbackHandlerRegistry(boundary.unknownMethods())
                .addService(boundary.guard(health.getHealthService().bindService()))
                .addService(
                        boundary.guard(ProtoReflectionServiceV1.newInstance().bindService()));
        for (BindableService service : services) {
            builder.addService(boundary.guard(ServerInterceptors.intercept(service, interceptors)));
        }
        callThreads = Executors.newFixedThreadPool(
                properties.callThreadsOrDefault(),
                Thread.ofPlatform().name("amphi-grpc-call-", 0).daemon().factory());
        Set<String> applicationServices = services.stream()
                .map(service -> service.bindService().getServiceDescriptor().getName())
                .collect(Collectors.toUnmodifiableSet());
        // Health checks keep gRPC's own threads: behind a line of calls, a liveness probe would time
        // out and have a busy replica restarted.
        builder.callExecutor(new ServerCallExecutorSupplier() {
            @Override
            public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
                return applicationServices.contains(call.getMethodDescriptor().getServiceName()) ? callThreads : null;
            }
        });
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot start the gRPC server on %s:%d".formatted(properties.address(), properties.port()), e);
        }
        health.setStatus(LIVENESS, ServingStatus.SERVING);
        readiness.onChange(this::reportReadiness);
        reportReadiness();
        log.info("gRPC server listening on {}:{}", properties.address(), port());
    }

    private synchronized void reportReadiness() {
        if (server == null) {
            return;
        }
        ServingStatus status = readiness.ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        services.forEach(
                s -> health.setStatus(s.bindService().getServiceDescriptor().getName(), status));
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    }

    @Override
    public void stop() {
        Server running = server;
        if (running == null) {
            return;
        }
        synchronized (this) {
            health.enterTerminalState();
        }
        running.shutdown();
        try {
            if (!running.awaitTermination(properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                running.shutdownNow();
            }
        } catch (InterruptedException e) {
            running.shutdownNow();
            Thread.currentThread().interrupt();
        }
        callThreads.shutdownNow();
        server = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    /** The port actually bound, useful when the configured port is 0. */
    public int port() {
        Server running = server;
        if (running == null) {
            throw new IllegalStateException("The gRPC server is not running");
        }
        return running.getPort();
    }
}
