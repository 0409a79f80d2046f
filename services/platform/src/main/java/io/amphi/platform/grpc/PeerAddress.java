package io.amphi.platform.grpc;

import io.amphi.platform.RateLimitedLog;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network address a call came from, for limits per source. A call from a trusted proxy (the
 * gateway, configured in {@code amphi.grpc.trusted-proxies}) names its client in
 * {@code x-forwarded-for}; the client is the right-most address there that is not itself a trusted
 * proxy. From any other peer the header is ignored: a client cannot choose its own address.
 */
public final class PeerAddress implements ServerInterceptor {

    static final Metadata.Key<String> FORWARDED_FOR =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> KEY = Context.key("amphi-peer-address");
    /** An IPv4 or IPv6 literal, nothing a resolver would look up. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f.:]{2,45}");

    private static final Logger log = LoggerFactory.getLogger(PeerAddress.class);

    private final List<Range> trustedProxies;
    private final RateLimitedLog untrusted = new RateLimitedLog(log, Duration.ofMinutes(10));

    /** @param trustedProxies addresses ("10.0.0.7") or ranges ("10.0.0.0/8") of the proxies allowed to name a client */
    public PeerAddress(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream()
                .filter(p -> !p.isBlank())
                .map(Range::parse)
                .toList();
    }

    /** The current call's source IP, or "unknown". */
    public static String current() {
        String address = KEY.get();
        return address == null ? "unknown" : address;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        InetAddress peer = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
        String address = peer == null ? String.valueOf(remote) : clientAddress(peer, headers.getAll(FORWARDED_FOR));
        return Contexts.interceptCall(Context.current().withValue(KEY, address), call, headers, next);
    }

    /** The client of a call from {@code peer} carrying these x-forwarded-for headers (null: none). */
    String clientAddress(InetAddress peer, Iterable<String> forwardedHeaders) {
        InetAddress client = peer;
        if (forwardedHeaders != null && !trusted(peer)) {
            untrusted.warn(
                    "A call from {} names a client in x-forwarded-for, ignored: {} is not a trusted proxy. If it is "
                            + "the gateway, add it to amphi.grpc.trusted-proxies, or sign-ins are paced per gateway.",
                    peer.getHostAddress(),
                    peer.getHostAddress());
        }
        if (forwardedHeaders != null && trusted(peer)) {
            List<String> hops = new java.util.ArrayList<>();
            forwardedHeaders.forEach(header -> hops.addAll(List.of(header.split(","))));
            for (int i = hops.size() - 1; i >= 0 && trusted(client); i--) {
                InetAddress hop = literal(hops.get(i).strip());
                if (hop == null) {
                    break;
                }
                client = hop;
            }
        }
        return client.getHostAddress();
    }

    private boolean trusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(range -> range.contains(address));
    }

    private static InetAddress literal(String text) {
        if (!IP_LITERAL.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An address and the number of leading bits that must match. */
    private record Range(byte[] network, int prefixBits) {

        static Range parse(String text) {
            String[] parts = text.strip().split("/", 2);
            InetAddress address = literal(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException(
                        "A trusted proxy is an IP address or a range such as 10.0.0.0/8, not " + text);
            }
            int bits = address.getAddress().length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("The prefix of " + text + " must be 0 to " + bits);
            }
            return new Range(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefixBits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
