package io.amphi.platform.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * The one connection a service keeps to the auth service, for its signing keys and its list of
 * withdrawn identities. Its limits are explicit, so an answer the auth service never sends (a
 * huge message or header list) fails one call, not the service.
 */
public final class AuthServiceChannel implements AutoCloseable {

    /** A key set or a batch of revocations stays far below this. */
    static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    static final int MAX_METADATA_BYTES = 64 * 1024;

    private final ManagedChannel channel;

    /** @param address the auth service, "host:port" */
    public AuthServiceChannel(String address) {
        this.channel = NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxInboundMetadataSize(MAX_METADATA_BYTES)
                // The revocation stream stays open for hours: a dead connection must be noticed.
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
