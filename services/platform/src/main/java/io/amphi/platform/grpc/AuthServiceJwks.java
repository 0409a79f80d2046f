package io.amphi.platform.grpc;

import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.GetJwksRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Fetches the JSON Web Key Set from the auth service over gRPC. */
public class AuthServiceJwks implements JwksSource, AutoCloseable {

    private final ManagedChannel channel;

    /** @param address the auth service, "host:port" */
    public AuthServiceJwks(String address) {
        this.channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    }

    @Override
    public String get() {
        return AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .getJwks(GetJwksRequest.getDefaultInstance()).getJson();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
