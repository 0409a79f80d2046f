package io.amphi.delivery;

import io.amphi.platform.AmphiService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The delivery service: exam sessions over gRPC, event-sourced on PostgreSQL. */
@SpringBootApplication
@AmphiService("amphi-delivery")
public class DeliveryApplication {

    public static void main(String[] args) {
        SpringApplication.run(DeliveryApplication.class, args);
    }
}
