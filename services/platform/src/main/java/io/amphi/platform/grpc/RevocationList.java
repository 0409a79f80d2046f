package io.amphi.platform.grpc;

import java.time.Instant;
import java.util.Optional;

/**
 * Identities whose earlier tokens no longer open anything (an excluded candidate, a leaked
 * service-account secret). The auth service keeps them durably; every other service holds a copy
 * it got from auth.
 */
public interface RevocationList {

    /** When the identity was revoked, if the revocation is in force for its tokens. */
    Optional<Instant> revokedAt(String subject, String examId);

    /** Whether every revocation in force is held (false until the first complete load). */
    boolean current();
}
