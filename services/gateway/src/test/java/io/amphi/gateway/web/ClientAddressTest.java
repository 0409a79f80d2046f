package io.amphi.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.gateway.GatewayProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;

class ClientAddressTest {

    private static ClientAddress trusting(String... proxies) {
        return new ClientAddress(new GatewayProperties(
                "a",
                "b",
                "c",
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                DataSize.ofKilobytes(256),
                DataSize.ofMegabytes(8),
                List.of(proxies),
                List.of()));
    }

    private static MockHttpServletRequest from(String peer, String forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        if (forwardedFor != null) {
            request.addHeader("X-Forwarded-For", forwardedFor);
        }
        return request;
    }

    @Test
    void aClientCannotNameItsOwnAddress() {
        assertThat(trusting().forwardedFor(from("203.0.113.7", "10.0.0.1"))).isEqualTo("203.0.113.7");
        assertThat(trusting("10.0.0.0/8").forwardedFor(from("203.0.113.7", "10.0.0.1")))
                .isEqualTo("203.0.113.7");
    }

    @Test
    void behindTrustedBalancersTheClientIsTheRightMostAddressThatIsNotOne() {
        assertThat(trusting("10.0.0.0/8").forwardedFor(from("10.2.3.4", "198.51.100.9, 10.9.9.9")))
                .isEqualTo("198.51.100.9");
        assertThat(trusting("::1").forwardedFor(from("::1", "2001:db8::5"))).isEqualTo("2001:db8:0:0:0:0:0:5");
    }

    @Test
    void aBalancerThatAddsItsOwnHeaderLineOrWritesPortsIsReadAlike() {
        MockHttpServletRequest twoLines = from("10.2.3.4", "6.6.6.6");
        twoLines.addHeader("X-Forwarded-For", "198.51.100.9:5678");
        assertThat(trusting("10.0.0.0/8").forwardedFor(twoLines)).isEqualTo("198.51.100.9");
        assertThat(trusting("10.0.0.0/8").forwardedFor(from("10.2.3.4", "[2001:db8::5]:443")))
                .isEqualTo("2001:db8:0:0:0:0:0:5");
    }

    @Test
    void whatAClientWritesLeftOfItsOwnAddressIsNeverBelieved() {
        assertThat(trusting("10.0.0.0/8").forwardedFor(from("10.2.3.4", "6.6.6.6, 198.51.100.9")))
                .isEqualTo("198.51.100.9");
        assertThat(trusting("10.0.0.0/8").forwardedFor(from("10.2.3.4", "junk, 198.51.100.9")))
                .as("junk a client sent is left of the address its balancer appended")
                .isEqualTo("198.51.100.9");
        assertThat(trusting("10.0.0.0/8").forwardedFor(from("10.2.3.4", "junk")))
                .isEqualTo("10.2.3.4");
        assertThat(trusting("10.0.0.0/8").forwardedFor(from("10.2.3.4", "1.2.3.4, ".repeat(1_000) + "198.51.100.9")))
                .isEqualTo("198.51.100.9");
    }
}
