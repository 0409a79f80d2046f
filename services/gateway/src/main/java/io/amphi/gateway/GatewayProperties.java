package io.amphi.gateway;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The gateway's settings.
 *
 * @param authAddress      the auth service, "host:port"
 * @param deliveryAddress  the delivery service, "host:port"
 * @param scoringAddress   the scoring service, "host:port"
 * @param callTimeout      the deadline of an ordinary call to a service (a save, a sign-in)
 * @param bulkCallTimeout  the deadline of a call that works on a whole exam (issuing codes, sealing, publishing)
 * @param maxBody          the largest JSON body accepted
 * @param maxUpload        the largest upload accepted (a CSV of candidates, an exam file)
 * @param trustedProxies   addresses or ranges of the proxies in front of the gateway (a load balancer)
 *                         whose {@code X-Forwarded-For} is passed on; from any other peer it is dropped
 * @param corsOrigins      origins allowed to call the API from another site; none by default
 */
@ConfigurationProperties("amphi.gateway")
public record GatewayProperties(
        @DefaultValue("127.0.0.1:9091") String authAddress,
        @DefaultValue("127.0.0.1:9090") String deliveryAddress,
        @DefaultValue("127.0.0.1:9092") String scoringAddress,
        @DefaultValue("5s") Duration callTimeout,
        @DefaultValue("60s") Duration bulkCallTimeout,
        @DefaultValue("256KB") DataSize maxBody,
        @DefaultValue("8MB") DataSize maxUpload,
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue("") List<String> corsOrigins) {}
