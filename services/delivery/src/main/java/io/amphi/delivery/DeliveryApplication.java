package io.amphi.delivery;

import io.amphi.platform.AmphiService;
import io.amphi.platform.db.MigrationCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The delivery service: exam sessions over gRPC, event-sourced on PostgreSQL. */
@SpringBootApplication
@AmphiService("amphi-delivery")
public class DeliveryApplication {

    /** Starts the service, or with {@code migrate} / {@code migrate-event-store} only migrates its database. */
    public static void main(String[] args) {
        if (MigrationCommand.requested(args)) {
            MigrationCommand.run(DeliveryApplication.class, args);
        } else {
            SpringApplication.run(DeliveryApplication.class, args);
        }
    }
}
