package io.amphi.platform.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.regex.Pattern;

/**
 * Development only: reads the caller's identity from call metadata ("amphi-candidate-id" or
 * "amphi-proctor-id"), trusting the client. Used when no auth service is configured
 * ({@code amphi.auth.address}); with one, {@link TokenInterceptor} takes its place.
 */
public class CallerInterceptor implements ServerInterceptor {

    public static final Metadata.Key<String> CANDIDATE_HEADER =
            Metadata.Key.of("amphi-candidate-id", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> PROCTOR_HEADER =
            Metadata.Key.of("amphi-proctor-id", Metadata.ASCII_STRING_MARSHALLER);

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String candidate = headers.get(CANDIDATE_HEADER);
        String proctor = headers.get(PROCTOR_HEADER);
        if (candidate != null && proctor != null) {
            call.close(Status.INVALID_ARGUMENT.withDescription(
                    "Send either 'amphi-candidate-id' or 'amphi-proctor-id', not both."), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        String id = candidate != null ? candidate : proctor;
        if (id == null) {
            return next.startCall(call, headers);
        }
        if (!ID.matcher(id).matches()) {
            call.close(Status.INVALID_ARGUMENT.withDescription(
                    "A caller id is 1 to 64 letters, digits, '.', '_' or '-'; got '" + id + "'."), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        Caller caller = new Caller(candidate != null ? Caller.Role.CANDIDATE : Caller.Role.PROCTOR, id, null);
        return Contexts.interceptCall(Context.current().withValue(Caller.CONTEXT_KEY, caller), call, headers, next);
    }
}
