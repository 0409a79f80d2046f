package io.amphi.gateway.web;

import io.amphi.gateway.GatewayProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * What the services are told about where a request came from, in {@code x-forwarded-for}. The
 * services believe that header only from the gateway's addresses (their
 * {@code amphi.grpc.trusted-proxies}), so sign-in pacing is per real client, never per gateway.
 * The gateway in turn passes on a client's own {@code X-Forwarded-For} only when the request came
 * from a proxy it trusts (a load balancer); anyone else's is dropped, so nobody picks their address.
 */
@Component
public final class ClientAddress {

    /** Longer forwarding chains are not passed on; a real one has a few hops. */
    static final int MAX_FORWARDED_LENGTH = 512;
    private static final Pattern FORWARDED_CHAIN = Pattern.compile("[0-9A-Fa-f.:, ]+");

    private final List<AddressRange> trustedProxies;

    public ClientAddress(GatewayProperties properties) {
        this.trustedProxies = properties.trustedProxies().stream().filter(p -> !p.isBlank()).map(AddressRange::parse).toList();
    }

    /** The value of {@code x-forwarded-for} for the services' calls made for this request. */
    public String forwardedFor(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null || !trusted(peer) || forwarded.length() > MAX_FORWARDED_LENGTH
                || !FORWARDED_CHAIN.matcher(forwarded).matches()) {
            return peer;
        }
        return forwarded + ", " + peer;
    }

    private boolean trusted(String address) {
        InetAddress peer = AddressRange.literal(address);
        return peer != null && trustedProxies.stream().anyMatch(range -> range.contains(peer));
    }
}
