package io.amphi.gateway.web;

import io.amphi.gateway.GatewayProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds what a request may send: a JSON body to {@code amphi.gateway.max-body}, an upload (CSV,
 * exam file) to {@code max-upload}. A declared length over the bound is refused before a byte is
 * read (413); a body sent without a length stops being read at the bound.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class BodyLimit extends OncePerRequestFilter {

    private final long maxBody;
    private final long maxUpload;

    public BodyLimit(GatewayProperties properties) {
        this.maxBody = properties.maxBody().toBytes();
        this.maxUpload = properties.maxUpload().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        boolean upload = type != null
                && (type.startsWith("text/csv")
                        || type.startsWith("application/vnd.amphi.exam")
                        || type.startsWith("application/vnd.amphi.offline-journal"));
        long limit = upload ? maxUpload : maxBody;
        if (request.getContentLengthLong() > limit) {
            refuse(response, limit);
            return;
        }
        chain.doFilter(new Bounded(request, limit), response);
    }

    static void refuse(HttpServletResponse response, long limit) throws IOException {
        response.setStatus(413);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setHeader("Connection", "close");
        response.getOutputStream()
                .write(("{\"type\":\"urn:amphi:problem:REQUEST_TOO_LARGE\",\"title\":\"Content Too Large\","
                                + "\"status\":413,\"reason\":\"REQUEST_TOO_LARGE\",\"retryable\":false,\"detail\":\"The request body is larger than this endpoint "
                                + "takes (" + limit + " bytes).\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /** A request whose body reads as ended, with an error, past the limit. */
    private static final class Bounded extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long limit;
        private long read;

        LimitedStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }

    /** Thrown while reading a body past its bound; answered 413. */
    public static final class BodyTooLargeException extends IOException {
        public BodyTooLargeException(long limit) {
            super("The request body is larger than this endpoint takes (" + limit + " bytes).");
        }
    }
}
