package io.amphi.gateway.web;

import io.amphi.gateway.GatewayProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * What the services are told about where a request came from, in {@code x-forwarded-for}. The
 * services believe that header only from the gateway's addresses (their
 * {@code amphi.grpc.trusted-proxies}), so sign-in pacing is per real client, never per gateway.
 * The gateway sends one address: the request's peer, or, when that peer is a proxy it trusts (a
 * load balancer), the right-most address of its {@code X-Forwarded-For} chain that is not itself a
 * trusted proxy. Whatever a client writes to the left of that is never believed, so nobody picks
 * their own address, and junk in the header cannot make the balancer's address stand for everyone.
 */
@Component
public final class ClientAddress {

    /** Only this much of a forwarding chain is read, from its right end; a real one has a few hops. */
    static final int MAX_FORWARDED_LENGTH = 512;

    private final List<AddressRange> trustedProxies;

    public ClientAddress(GatewayProperties properties) {
        this.trustedProxies = properties.trustedProxies().stream()
                .filter(p -> !p.isBlank())
                .map(AddressRange::parse)
                .toList();
    }

    /** The value of {@code x-forwarded-for} for the services' calls made for this request. */
    public String forwardedFor(HttpServletRequest request) {
        String client = request.getRemoteAddr();
        // Proxies may append their own header line rather than extend the first: the lines in order are the chain.
        String forwarded = String.join(",", java.util.Collections.list(request.getHeaders("X-Forwarded-For")));
        if (forwarded.isEmpty() || !trusted(client)) {
            return client;
        }
        String chain = forwarded.length() > MAX_FORWARDED_LENGTH
                ? forwarded.substring(forwarded.length() - MAX_FORWARDED_LENGTH)
                : forwarded;
        String[] hops = chain.split(",");
        for (int i = hops.length - 1; i >= 0 && trusted(client); i--) {
            InetAddress hop = AddressRange.literal(withoutPort(hops[i].strip()));
            if (hop == null) {
                break;
            }
            client = hop.getHostAddress();
        }
        return client;
    }

    /** "1.2.3.4:5678" and "[2001:db8::5]:443", as some balancers write a hop, without the port. */
    static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    private boolean trusted(String address) {
        InetAddress peer = AddressRange.literal(address);
        return peer != null && trustedProxies.stream().anyMatch(range -> range.contains(peer));
    }
}
