package io.amphi.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerAddressTest {

    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    @Test
    void aClientCannotChooseItsOwnAddress() {
        PeerAddress noProxies = new PeerAddress(List.of());
        assertThat(noProxies.clientAddress(ip("203.0.113.9"), List.of("10.0.0.1")))
                .isEqualTo("203.0.113.9");
        PeerAddress gatewayOnly = new PeerAddress(List.of("10.0.0.7"));
        assertThat(gatewayOnly.clientAddress(ip("203.0.113.9"), List.of("10.0.0.1")))
                .as("the header from a peer that is not a trusted proxy is ignored")
                .isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedProxyNamesTheClient() {
        PeerAddress proxies = new PeerAddress(List.of("10.0.0.0/8", "::1"));
        assertThat(proxies.clientAddress(ip("10.0.0.7"), List.of("198.51.100.20")))
                .isEqualTo("198.51.100.20");
        assertThat(proxies.clientAddress(ip("10.0.0.7"), List.of("1.2.3.4, 198.51.100.20, 10.0.0.9")))
                .as("the right-most address that is not a proxy; what the client wrote before it is not believed")
                .isEqualTo("198.51.100.20");
        assertThat(proxies.clientAddress(ip("::1"), List.of("2001:db8::5"))).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(proxies.clientAddress(ip("10.0.0.7"), null))
                .as("no header: the proxy itself")
                .isEqualTo("10.0.0.7");
        assertThat(proxies.clientAddress(ip("10.0.0.7"), List.of("evil.example.org")))
                .as("only IP literals are taken, nothing is looked up")
                .isEqualTo("10.0.0.7");
    }

    @Test
    void aMisconfiguredProxyListStopsTheStart() {
        assertThatThrownBy(() -> new PeerAddress(List.of("gateway.local"))).hasMessageContaining("IP address");
        assertThatThrownBy(() -> new PeerAddress(List.of("10.0.0.0/33"))).hasMessageContaining("prefix");
    }
}
