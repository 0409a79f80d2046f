package io.amphi.auth;

import io.amphi.platform.AmphiService;
import io.amphi.platform.db.MigrationCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The auth service: candidates sign in, tokens are issued and their public keys published. */
@SpringBootApplication
@AmphiService("amphi-auth")
public class AuthApplication {

    /** Starts the service, or with {@code migrate} / {@code migrate-event-store} only migrates its database. */
    public static void main(String[] args) {
        if (MigrationCommand.requested(args)) {
            MigrationCommand.run(AuthApplication.class, args);
        } else {
            SpringApplication.run(AuthApplication.class, args);
        }
    }
}
