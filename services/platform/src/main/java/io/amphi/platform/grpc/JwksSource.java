package io.amphi.platform.grpc;

import java.util.function.Supplier;

/**
 * Where a service gets the public keys that verify access tokens, as a JSON Web Key Set. A service
 * with one verifies tokens; the auth service reads its own keys, the others ask it
 * ({@link AuthServiceJwks}).
 */
public interface JwksSource extends Supplier<String> {}
