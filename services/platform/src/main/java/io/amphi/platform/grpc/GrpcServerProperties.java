package io.amphi.platform.grpc;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gRPC server's settings.
 *
 * @param port          TCP port to listen on; 0 picks a free one (tests)
 * @param address       address to bind; loopback by default so a local run is not reachable from outside
 * @param shutdownGrace how long in-flight calls may finish when the service stops
 */
@ConfigurationProperties("amphi.grpc")
public record GrpcServerProperties(
        @DefaultValue("9090") int port,
        @DefaultValue("127.0.0.1") String address,
        @DefaultValue("10s") Duration shutdownGrace) {
}
