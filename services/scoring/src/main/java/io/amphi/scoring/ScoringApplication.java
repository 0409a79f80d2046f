package io.amphi.scoring;

import io.amphi.platform.AmphiService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The scoring service: answer keys, results and ranking over gRPC, on the event store it shares
 * with delivery ({@code spring.datasource.url}).
 */
@SpringBootApplication
@AmphiService("amphi-scoring")
public class ScoringApplication {

    public static void main(String[] args) {
        SpringApplication.run(ScoringApplication.class, args);
    }
}
