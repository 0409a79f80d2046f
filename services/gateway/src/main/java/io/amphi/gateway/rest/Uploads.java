package io.amphi.gateway.rest;

import java.util.List;
import org.springframework.http.HttpStatus;

/** Files sent to a service whole, in one gRPC message: an exam file, an offline journal. */
final class Uploads {

    /** gRPC's 4 MiB message, less room for the rest of the request. */
    static final int MAX_FILE = 4 * 1024 * 1024 - 1024;

    private Uploads() {}

    /** 413 REQUEST_TOO_LARGE for a file over {@link #MAX_FILE}; {@code what} names it, e.g. "An exam file". */
    static byte[] requireFits(byte[] file, String what) {
        if (file.length > MAX_FILE) {
            throw new ApiException(
                    HttpStatus.CONTENT_TOO_LARGE,
                    "REQUEST_TOO_LARGE",
                    what + " is at most " + MAX_FILE + " bytes; this one is " + file.length + ".",
                    List.of());
        }
        return file;
    }
}
