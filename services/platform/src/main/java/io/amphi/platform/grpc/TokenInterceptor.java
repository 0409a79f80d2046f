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
 * expired or foreign token ends the call with UNAUTHENTICATED and the reason; a call without token
 * goes on without a caller, for the methods that need none (health, status).
 */
public class TokenInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final TokenVerifier verifier;

    public TokenInterceptor(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization == null) {
            return next.startCall(call, headers);
        }
        Caller caller;
        try {
            if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                throw new TokenVerifier.InvalidToken("Send the access token as 'authorization: Bearer <token>'.");
            }
            caller = verifier.verify(authorization.substring(BEARER.length()).strip());
        } catch (TokenVerifier.InvalidToken e) {
            call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(Caller.CONTEXT_KEY, caller), call, headers, next);
    }
}
