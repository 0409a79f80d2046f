package io.amphi.auth;

import io.amphi.platform.AmphiService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The auth service: candidates sign in, tokens are issued and their public keys published. */
@SpringBootApplication
@AmphiService("amphi-auth")
public class AuthApplication {

    public static void main(String[] args) {
        SpringApplication.run(AuthApplication.class, args);
    }
}
