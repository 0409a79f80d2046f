package io.amphi.platform.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Puts the caller named by a verified "authorization: Bearer" token in the call context. A bad,
 * expired, foreign or withdrawn token ends the call with UNAUTHENTICATED, its reason in the
 * ErrorInfo; a call without token goes on without a caller, for the methods that need none
 * (sign-in, health, status).
 */
public class TokenInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";
    /** A replica that does not hold the keys or the revocations yet usually does a second later. */
    private static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(1);

    private final TokenVerifier verifier;

    public TokenInterceptor(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization == null) {
            return next.startCall(call, headers);
        }
        Caller caller;
        try {
            if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                throw new TokenVerifier.InvalidToken(
                        "INVALID_TOKEN", "Send the access token as 'authorization: Bearer <token>'.");
            }
            caller = verifier.verify(authorization.substring(BEARER.length()).strip());
        } catch (TokenVerifier.InvalidToken e) {
            return refuse(call, ErrorMapping.map(TokenVerifier.unauthenticated(e)));
        } catch (TokenVerifier.RevocationsNotLoaded e) {
            return refuse(
                    call,
                    ErrorMapping.error(
                            Status.UNAVAILABLE, "REVOCATIONS_NOT_LOADED", e.getMessage(), true, RETRY_AFTER));
        } catch (SigningKeySet.KeysUnavailable e) {
            return refuse(
                    call,
                    ErrorMapping.error(
                            Status.UNAVAILABLE, "SIGNING_KEYS_UNAVAILABLE", e.getMessage(), true, RETRY_AFTER));
        }
        return Contexts.interceptCall(Context.current().withValue(Caller.CONTEXT_KEY, caller), call, headers, next);
    }

    private static <Q> ServerCall.Listener<Q> refuse(ServerCall<Q, ?> call, ErrorMapping.MappedError error) {
        call.close(error.status(), error.trailers());
        return new ServerCall.Listener<>() {};
    }
}
