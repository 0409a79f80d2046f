package io.amphi.platform.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The network address a call came from, for limits per source. Behind the gateway this will be the
 * forwarded client address from a trusted proxy; for now it is the direct peer.
 */
public final class PeerAddress implements ServerInterceptor {

    private static final Context.Key<String> KEY = Context.key("amphi-peer-address");

    /** The current call's source IP, or "unknown". */
    public static String current() {
        String address = KEY.get();
        return address == null ? "unknown" : address;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String address = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(remote);
        return Contexts.interceptCall(Context.current().withValue(KEY, address), call, headers, next);
    }
}
