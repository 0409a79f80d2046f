package io.amphi.platform.grpc;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Inputs;

/** Paging as Amphi's list calls do it: a page token is the offset of the next page, as the service gave it. */
public final class Pages {

    /** The longest token a service gives: an offset below a billion. */
    private static final int LONGEST_TOKEN = 9;

    private Pages() {}

    /** The page size asked for: {@code defaultSize} when unset (0); INVALID_ARGUMENT outside 1 to {@code largest}. */
    public static int size(int asked, int defaultSize, int largest) {
        int size = asked == 0 ? defaultSize : asked;
        if (size < 1 || size > largest) {
            throw DomainException.invalid(
                    "BAD_PAGE_SIZE", "page_size runs from 1 to %d; got %d.".formatted(largest, asked));
        }
        return size;
    }

    /** The offset a page token stands for; 0 for none; INVALID_ARGUMENT for a token no service gave. */
    public static int offset(String pageToken) {
        if (pageToken.isEmpty()) {
            return 0;
        }
        if (pageToken.length() <= LONGEST_TOKEN && pageToken.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Integer.parseInt(pageToken);
        }
        throw DomainException.invalid(
                "BAD_PAGE_TOKEN", "page_token %s is not one this service gave.".formatted(Inputs.quote(pageToken)));
    }

    /** The token of the page after {@code shown} rows from {@code offset}, of {@code matching} in all; empty at the end. */
    public static String next(int offset, int shown, long matching) {
        return offset + shown < matching ? Integer.toString(offset + shown) : "";
    }
}
