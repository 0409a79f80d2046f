package io.amphi.platform.grpc;

import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.GetJwksRequest;
import java.util.concurrent.TimeUnit;

/** Fetches the JSON Web Key Set from the auth service over gRPC. */
public class AuthServiceJwks implements JwksSource {

    private final AuthServiceChannel auth;

    public AuthServiceJwks(AuthServiceChannel auth) {
        this.auth = auth;
    }

    @Override
    public String get() {
        return AuthServiceGrpc.newBlockingStub(auth.channel())
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .getJwks(GetJwksRequest.getDefaultInstance())
                .getJson();
    }
}
