package io.amphi.gateway.grpc;

import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.time.Duration;

/** Reads the {@link ErrorInfo} every Amphi service attaches to a refusal. */
public final class ServiceErrors {

    /** The trailer named in amphi/common/v1/errors.proto. */
    static final Metadata.Key<ErrorInfo> ERROR_INFO =
            Metadata.Key.of("amphi-error-bin", ProtoUtils.metadataMarshaller(ErrorInfo.getDefaultInstance()));

    private ServiceErrors() {}

    /** The failure's ErrorInfo, or null when the status was made by gRPC itself (a deadline, a lost connection). */
    public static ErrorInfo info(StatusRuntimeException failure) {
        Metadata trailers = failure.getTrailers();
        return trailers == null ? null : trailers.get(ERROR_INFO);
    }

    /** How long the service asked the client to wait, or null. */
    public static Duration retryAfter(StatusRuntimeException failure) {
        ErrorInfo info = info(failure);
        if (info == null || !info.hasRetryAfter()) {
            return null;
        }
        return Duration.ofSeconds(
                info.getRetryAfter().getSeconds(), info.getRetryAfter().getNanos());
    }
}
