package io.amphi.platform.grpc;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The gRPC server's settings.
 *
 * @param port          TCP port to listen on; 0 picks a free one (tests)
 * @param address       address to bind; loopback by default so a local run is not reachable from outside
 * @param shutdownGrace how long in-flight calls may finish when the service stops
 * @param maxMessageSize the largest request message accepted; larger ones are refused alone, with INVALID_ARGUMENT
 *                       (up to twice this size; beyond, gRPC's transport answers RESOURCE_EXHAUSTED)
 * @param maxMetadataSize the largest header list (metadata) accepted; larger ones are refused alone, with INVALID_ARGUMENT
 * @param trustedProxies addresses of proxies (the gateway) whose {@code x-forwarded-for} names the
 *                       real client; from any other peer the header is ignored
 * @param callThreads    threads running calls, 0 for 32 per core; calls beyond them wait in line
 * @param maxQueueWait   the longest a call waits in that line: one that waited longer is answered
 *                       UNAVAILABLE (retry in a second) instead of being run
 */
@ConfigurationProperties("amphi.grpc")
public record GrpcServerProperties(
        @DefaultValue("9090") int port,
        @DefaultValue("127.0.0.1") String address,
        @DefaultValue("10s") Duration shutdownGrace,
        @DefaultValue("4MB") DataSize maxMessageSize,
        @DefaultValue("16KB") DataSize maxMetadataSize,
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue("0") int callThreads,
        @DefaultValue("2s") Duration maxQueueWait) {

    /** The threads running calls: those set, or 32 per core (a command mostly waits for its commit). */
    public int callThreadsOrDefault() {
        return callThreads > 0 ? callThreads : 32 * Runtime.getRuntime().availableProcessors();
    }
}
