package io.amphi.platform.grpc;

import io.amphi.platform.domain.DomainException;
import io.grpc.Context;
import io.grpc.Status;

/**
 * Who is calling: a candidate or a proctor, with their id. Put in the gRPC {@link Context} by
 * {@link CallerInterceptor} before any service method runs.
 */
public record Caller(Role role, String id) {

    /** What the caller is allowed to be. */
    public enum Role { CANDIDATE, PROCTOR }

    static final Context.Key<Caller> CONTEXT_KEY = Context.key("amphi-caller");

    /** The caller of the current call; UNAUTHENTICATED if there is none. */
    public static Caller current() {
        Caller caller = CONTEXT_KEY.get();
        if (caller == null) {
            throw Status.UNAUTHENTICATED.withDescription(
                    "This call needs a caller identity: send the 'amphi-candidate-id' or 'amphi-proctor-id' metadata header.")
                    .asRuntimeException();
        }
        return caller;
    }

    /** The current caller, who must have the given role. */
    public static Caller require(Role role) {
        Caller caller = current();
        if (caller.role() != role) {
            throw DomainException.forbidden("WRONG_ROLE",
                    "Only a %s may do this; you are calling as a %s."
                            .formatted(role.name().toLowerCase(), caller.role().name().toLowerCase()));
        }
        return caller;
    }
}
