package io.amphi.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The gateway: REST under {@code /api/v1} over the auth, delivery and scoring services' gRPC APIs,
 * its OpenAPI document, and the web app's static files. It keeps no state of its own, so any
 * number of replicas can run behind a load balancer.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    /** The gateway's configuration file, amphi-gateway.yml. */
    public static final String CONFIG_NAME = "amphi-gateway";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its own configuration file, so it reads no other service's settings in a shared process. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatewayApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }
}
