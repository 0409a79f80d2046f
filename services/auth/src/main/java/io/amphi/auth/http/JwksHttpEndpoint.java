package io.amphi.auth.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.amphi.auth.keys.SigningKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.springframework.context.SmartLifecycle;

/**
 * Publishes the JSON Web Key Set over HTTP at {@code /.well-known/jwks.json}, for clients that
 * speak HTTP rather than gRPC (a gateway, a university's system). Read-only; anything else is a
 * 404 or 405 with a problem+json body.
 */
public class JwksHttpEndpoint implements SmartLifecycle {

    public static final String PATH = "/.well-known/jwks.json";

    private final SigningKeys keys;
    private final String address;
    private final int port;
    private volatile HttpServer server;

    public JwksHttpEndpoint(SigningKeys keys, String address, int port) {
        this.keys = keys;
        this.address = address;
        this.port = port;
    }

    @Override
    public void start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 0);
            http.createContext("/", this::handle);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.start();
            server = http;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve the JWKS on %s:%d".formatted(address, port), e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                problem(exchange, 404, "Not found", "Only " + PATH + " is served here.");
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                problem(exchange, 405, "Method not allowed", "The key set is read with GET.");
            } else {
                exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
                send(
                        exchange,
                        200,
                        "application/jwk-set+json",
                        keys.publicKeys().toString());
            }
        }
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        send(
                exchange,
                status,
                "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}"
                        .formatted(title, status, detail));
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        HttpServer running = server;
        if (running != null) {
            running.stop(1);
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }
}
