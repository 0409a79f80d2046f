package io.amphi.gateway.rest;

import io.amphi.gateway.grpc.Calls;
import io.amphi.gateway.web.ClientAddress;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Who an HTTP request is from, as the services are told: its bearer token and its real address. */
@Component
public final class RequestCaller {

    /** A JWT is far shorter; anything longer is refused before it is sent anywhere. */
    static final int MAX_AUTHORIZATION = 4_096;

    private static final Pattern BEARER = Pattern.compile("Bearer [A-Za-z0-9._~+/=-]+");

    private final ClientAddress clientAddress;

    public RequestCaller(ClientAddress clientAddress) {
        this.clientAddress = clientAddress;
    }

    /** A caller who must present an access token. */
    public Calls.Caller signedIn(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    "UNAUTHENTICATED",
                    "Sign in first, then send the access token as 'Authorization: Bearer <token>'.",
                    java.util.List.of());
        }
        if (authorization.length() > MAX_AUTHORIZATION
                || !BEARER.matcher(authorization).matches()) {
            throw new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    "UNAUTHENTICATED",
                    "The Authorization header must be 'Bearer <access token>'.",
                    java.util.List.of());
        }
        return new Calls.Caller(authorization, clientAddress.forwardedFor(request));
    }

    /** The header naming the page that sends a session's changes (see the session lease). */
    public static final String CLIENT_HEADER = "Amphi-Client";

    private static final Pattern CLIENT = Pattern.compile(Ids.PATTERN);

    /** The page's client id, or an empty string when the request names none. */
    public String clientId(HttpServletRequest request, boolean required) {
        String client = request.getHeader(CLIENT_HEADER);
        if (client == null || client.isEmpty()) {
            if (required) {
                throw ApiException.invalid(
                        "MISSING_CLIENT",
                        "Name this page in the " + CLIENT_HEADER
                                + " header: an id it makes once, 1 to 64 letters, digits, '.', '_' or '-'.");
            }
            return "";
        }
        if (!CLIENT.matcher(client).matches()) {
            throw ApiException.invalid(
                    "INVALID_CLIENT",
                    "The " + CLIENT_HEADER + " header must be 1 to 64 letters, digits, " + "'.', '_' or '-'; got "
                            + Problems.quote(client) + ".");
        }
        return client;
    }

    /** A caller who is signing in, or needs no token. */
    public Calls.Caller anonymous(HttpServletRequest request) {
        return new Calls.Caller(null, clientAddress.forwardedFor(request));
    }
}
