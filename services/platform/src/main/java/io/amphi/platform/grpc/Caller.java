package io.amphi.platform.grpc;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;
import io.grpc.Context;
import java.util.Set;

/**
 * Who is calling, with their id and, for a candidate, the exam they signed in for. Put in the gRPC
 * {@link Context} before any service method runs, from a verified access token by
 * {@link TokenInterceptor}.
 *
 * @param examId the exam a candidate's token is for; {@code null} when the caller is not bound to one
 * @param scopes what a service account's token allows, e.g. {@code exams:write}; empty for people
 * @param exams  the exams a service account works on; empty when it works on every exam
 * @param sites  the sites a proctor watches; empty when it watches every site of its exams
 */
public record Caller(Role role, String id, String examId, Set<String> scopes, Set<String> exams, Set<String> sites) {

    public Caller {
        scopes = Set.copyOf(scopes);
        exams = Set.copyOf(exams);
        sites = Set.copyOf(sites);
    }

    /** A caller bound to no site. */
    public Caller(Role role, String id, String examId, Set<String> scopes, Set<String> exams) {
        this(role, id, examId, scopes, exams, Set.of());
    }

    /** Whether the caller watches every site of its exams. */
    public boolean allSites() {
        return sites.isEmpty();
    }

    /** PERMISSION_DENIED for a caller bound to sites, for what concerns every site; {@code instead} says what to do. */
    public void requireAllSites(String instead) {
        if (!sites.isEmpty()) {
            throw DomainException.forbidden(
                    "NOT_YOUR_SITE",
                    "The account '%s' watches site(s) %s, not every site: %s."
                            .formatted(
                                    id,
                                    String.join(", ", sites.stream().sorted().toList()),
                                    instead));
        }
    }

    /**
     * PERMISSION_DENIED unless the caller watches this site (or every site); a candidate enrolled
     * without a site ({@code null}) is only for callers of every site.
     */
    public void requireSite(String site) {
        if (!sites.isEmpty() && (site == null || !sites.contains(site))) {
            throw DomainException.forbidden(
                    "NOT_YOUR_SITE",
                    "The account '%s' watches site(s) %s, not %s."
                            .formatted(
                                    id,
                                    String.join(", ", sites.stream().sorted().toList()),
                                    site == null ? "candidates enrolled without a site" : Inputs.quote(site)));
        }
    }

    /** PERMISSION_DENIED unless this service account works on the exam (or on every exam). */
    public void requireExam(String exam) {
        if (!exams.isEmpty() && !exams.contains(exam)) {
            throw DomainException.forbidden(
                    "NOT_YOUR_EXAM",
                    "The account '%s' works on exam(s) %s, not on %s."
                            .formatted(
                                    id,
                                    String.join(", ", exams.stream().sorted().toList()),
                                    Inputs.quote(exam)));
        }
    }

    /**
     * What the caller is allowed to be. A platform operator (the Kubernetes operator, monitoring)
     * reads how replicas are doing and nothing of any exam.
     */
    public enum Role {
        CANDIDATE,
        PROCTOR,
        UNIVERSITY,
        AUDITOR,
        PLATFORM_OPERATOR;

        /** As tokens and service accounts name it, e.g. "platform-operator". */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    static final Context.Key<Caller> CONTEXT_KEY = Context.key("amphi-caller");

    /** The caller of the current call; UNAUTHENTICATED if there is none. */
    public static Caller current() {
        Caller caller = CONTEXT_KEY.get();
        if (caller == null) {
            throw DomainException.unauthenticated(
                    "MISSING_TOKEN", "This call needs a caller identity: send 'authorization: Bearer <access token>'.");
        }
        return caller;
    }

    /** The current caller, who must have the given role. */
    public static Caller require(Role role) {
        Caller caller = current();
        if (caller.role() != role) {
            throw DomainException.forbidden(
                    "WRONG_ROLE",
                    "Only a %s may do this; you are calling as a %s."
                            .formatted(role.label(), caller.role().label()));
        }
        return caller;
    }

    /** The current caller, who must have the given role and the given scope. */
    public static Caller require(Role role, String scope) {
        Caller caller = require(role);
        if (!caller.scopes().contains(scope)) {
            throw DomainException.forbidden(
                    "MISSING_SCOPE",
                    "This needs the scope '%s', which the service account '%s' was not given."
                            .formatted(scope, caller.id()));
        }
        return caller;
    }
}
