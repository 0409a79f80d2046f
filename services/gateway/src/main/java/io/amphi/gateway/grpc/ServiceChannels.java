package io.amphi.gateway.grpc;

import io.amphi.gateway.GatewayProperties;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.scoring.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * One channel to each service, shared by every request. A channel spreads calls over the
 * addresses its target resolves to (a Kubernetes headless service lists every replica), and its
 * limits are explicit, so an answer no service sends (a huge message or header list) fails one
 * call, not the gateway.
 */
@Component
public final class ServiceChannels implements AutoCloseable {

    /** Results pages and exam statistics stay far below this. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    static final int MAX_METADATA_BYTES = 64 * 1024;

    private final ManagedChannel auth;
    private final ManagedChannel delivery;
    private final ManagedChannel scoring;

    public ServiceChannels(GatewayProperties properties) {
        this.auth = channel(properties.authAddress());
        this.delivery = channel(properties.deliveryAddress());
        this.scoring = channel(properties.scoringAddress());
    }

    private static ManagedChannel channel(String target) {
        return NettyChannelBuilder.forTarget(target)
                .defaultLoadBalancingPolicy("round_robin")
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxInboundMetadataSize(MAX_METADATA_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .build();
    }

    public AuthServiceGrpc.AuthServiceBlockingStub auth() {
        return AuthServiceGrpc.newBlockingStub(auth);
    }

    public DeliveryServiceGrpc.DeliveryServiceBlockingStub delivery() {
        return DeliveryServiceGrpc.newBlockingStub(delivery);
    }

    public ScoringServiceGrpc.ScoringServiceBlockingStub scoring() {
        return ScoringServiceGrpc.newBlockingStub(scoring);
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : List.of(auth, delivery, scoring)) {
            channel.shutdown();
        }
        for (ManagedChannel channel : List.of(auth, delivery, scoring)) {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        }
    }
}
