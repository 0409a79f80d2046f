package io.amphi.scoring;

import io.amphi.platform.AmphiService;
import io.amphi.platform.db.MigrationCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The scoring service: answer keys, results and ranking over gRPC, on the event store it shares
 * with delivery ({@code spring.datasource.url}).
 */
@SpringBootApplication
@AmphiService("amphi-scoring")
public class ScoringApplication {

    /** Starts the service, or with {@code migrate} / {@code migrate-event-store} only migrates its database. */
    public static void main(String[] args) {
        if (MigrationCommand.requested(args)) {
            MigrationCommand.run(ScoringApplication.class, args);
        } else {
            SpringApplication.run(ScoringApplication.class, args);
        }
    }
}
