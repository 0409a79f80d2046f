package io.amphi.delivery;

import io.amphi.proto.common.v1.ErrorInfo;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A gRPC client written from the wire protocol and the docs alone: HTTP/2 frames on a plain
 * socket, several calls multiplexed on one connection, any bytes as a message and any header,
 * however large. It reads the status and the {@code amphi-error-bin} trailer as the protos
 * document them, without the platform's code, and notices when the server ends the connection.
 */
final class RawGrpcConnection implements AutoCloseable {

    /** What the server answered on one stream. */
    record Answer(int grpcStatus, String grpcMessage, ErrorInfo errorInfo, byte[] message, Long resetCode) {
        boolean reset() {
            return resetCode != null;
        }
    }

    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int WINDOW_UPDATE = 8;
    private static final int CONTINUATION = 9;
    private static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    private static final int MAX_FRAME = 16_384;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final String authority;
    private final Http2HeadersEncoder encoder =
            new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true);
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, Integer.MAX_VALUE);
    private final Map<Integer, Stream> streams = new HashMap<>();
    private int nextStream = 1;
    private boolean goAway;
    private long connectionWindow = 65_535;
    private long initialStreamWindow = 65_535;

    private static final class Stream {
        Http2Headers headers;
        Http2Headers trailers;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        Long resetCode;
        boolean ended;
        long window;
    }

    RawGrpcConnection(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
            authority = "127.0.0.1:" + port;
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            frame(SETTINGS, 0, 0, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a call to {@code method} ("package.Service/Method") with these extra headers, and sends
     * {@code message} (any bytes) unless it is {@code null}, in which case the call stays open
     * until {@link #finish}. Returns the stream id.
     */
    int start(String method, Map<String, String> extraHeaders, byte[] message) {
        int stream = nextStream;
        nextStream += 2;
        Http2Headers headers = new DefaultHttp2Headers(false)
                .method("POST")
                .scheme("http")
                .authority(authority)
                .path("/" + method)
                .add("content-type", "application/grpc")
                .add("te", "trailers");
        extraHeaders.forEach(headers::add);
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(stream, headers, block);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
        byte[] bytes = new byte[block.readableBytes()];
        block.readBytes(bytes);
        for (int from = 0; from < bytes.length || from == 0; from += MAX_FRAME) {
            byte[] part = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + MAX_FRAME));
            boolean last = from + MAX_FRAME >= bytes.length;
            frame(from == 0 ? HEADERS : CONTINUATION, last ? END_HEADERS : 0, stream, part);
        }
        Stream state = new Stream();
        state.window = initialStreamWindow;
        streams.put(stream, state);
        if (message != null) {
            finish(stream, message);
        }
        return stream;
    }

    /** Sends the call's message and ends the client's side of it. */
    void finish(int stream, byte[] message) {
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write(0);
        framed.write(message.length >>> 24);
        framed.write(message.length >>> 16);
        framed.write(message.length >>> 8);
        framed.write(message.length);
        framed.writeBytes(message);
        byte[] bytes = framed.toByteArray();
        Stream state = streams.get(stream);
        for (int from = 0; from < bytes.length; from += MAX_FRAME) {
            int size = Math.min(MAX_FRAME, bytes.length - from);
            // HTTP/2 flow control: send no more than the server has room for; its WINDOW_UPDATEs make room.
            while ((connectionWindow < size || state.window < size) && !state.ended && !goAway) {
                try {
                    readFrame();
                } catch (IOException e) {
                    goAway = true;
                }
            }
            if (state.ended || goAway) {
                return;
            }
            connectionWindow -= size;
            state.window -= size;
            boolean last = from + MAX_FRAME >= bytes.length;
            frame(DATA, last ? END_STREAM : 0, stream, java.util.Arrays.copyOfRange(bytes, from, from + size));
        }
    }

    /** Reads until the stream is answered (or reset), the server ends the connection, or time runs out. */
    Answer await(int stream) {
        Stream state = streams.get(stream);
        while (!state.ended && !goAway) {
            try {
                readFrame();
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("No answer on stream " + stream + " within 30 s");
            } catch (IOException e) {
                goAway = true;
            }
        }
        if (!state.ended) {
            return null;
        }
        Http2Headers trailers = state.trailers != null ? state.trailers : state.headers;
        if (trailers == null) {
            return new Answer(-1, null, null, null, state.resetCode);
        }
        CharSequence status = trailers.get("grpc-status");
        CharSequence message = trailers.get("grpc-message");
        CharSequence errorInfo = trailers.get("amphi-error-bin");
        try {
            return new Answer(
                    status == null ? -1 : Integer.parseInt(status.toString()),
                    message == null ? null : percentDecoded(message.toString()),
                    errorInfo == null
                            ? null
                            : ErrorInfo.parseFrom(Base64.getDecoder().decode(errorInfo.toString())),
                    unframe(state.data.toByteArray()),
                    state.resetCode);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("The amphi-error-bin trailer is not an ErrorInfo", e);
        }
    }

    /** grpc-message as the gRPC spec encodes it: %XX for bytes outside printable ASCII, nothing else. */
    private static String percentDecoded(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                bytes.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Whether the server has ended the whole connection (GOAWAY, or closed the socket). */
    boolean goneAway() {
        return goAway;
    }

    private static byte[] unframe(byte[] data) {
        return data.length < 5 ? data : java.util.Arrays.copyOfRange(data, 5, data.length);
    }

    private void readFrame() throws IOException {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        switch (type) {
            case SETTINGS -> {
                if ((flags & 0x1) == 0) {
                    java.nio.ByteBuffer settings = java.nio.ByteBuffer.wrap(payload);
                    while (settings.remaining() >= 6) {
                        int id = settings.getShort() & 0xffff;
                        long value = settings.getInt() & 0xffffffffL;
                        if (id == SETTINGS_INITIAL_WINDOW_SIZE) {
                            long change = value - initialStreamWindow;
                            initialStreamWindow = value;
                            streams.values().forEach(open -> open.window += change);
                        }
                    }
                    frame(SETTINGS, 0x1, 0, new byte[0]);
                }
            }
            case WINDOW_UPDATE -> {
                long increment = java.nio.ByteBuffer.wrap(payload).getInt() & 0x7fffffffL;
                if (stream == 0) {
                    connectionWindow += increment;
                } else {
                    streamOf(stream).ifPresent(open -> open.window += increment);
                }
            }
            case PING -> {
                if ((flags & 0x1) == 0) {
                    frame(PING, 0x1, 0, payload);
                }
            }
            case GOAWAY -> goAway = true;
            case RST_STREAM ->
                streamOf(stream).ifPresent(s -> {
                    s.resetCode = (long) java.nio.ByteBuffer.wrap(payload).getInt() & 0xffffffffL;
                    s.ended = true;
                });
            case HEADERS -> readHeaders(stream, flags, payload);
            case DATA ->
                streamOf(stream).ifPresent(s -> {
                    int padding = (flags & PADDED) != 0 ? payload[0] & 0xff : 0;
                    int offset = (flags & PADDED) != 0 ? 1 : 0;
                    s.data.write(payload, offset, payload.length - offset - padding);
                    s.ended |= (flags & END_STREAM) != 0;
                });
            default -> {}
        }
    }

    private void readHeaders(int stream, int flags, byte[] payload) throws IOException {
        int offset = 0;
        int padding = 0;
        if ((flags & PADDED) != 0) {
            padding = payload[0] & 0xff;
            offset = 1;
        }
        if ((flags & PRIORITY) != 0) {
            offset += 5;
        }
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(payload, offset, payload.length - offset - padding);
        int headerFlags = flags;
        while ((headerFlags & END_HEADERS) == 0) {
            int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            in.readUnsignedByte();
            headerFlags = in.readUnsignedByte();
            in.readInt();
            block.writeBytes(in.readNBytes(length));
        }
        Http2Headers headers;
        try {
            headers = decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(block.toByteArray()));
        } catch (Http2Exception e) {
            throw new IOException(e);
        }
        boolean ends = (flags & END_STREAM) != 0;
        streamOf(stream).ifPresent(s -> {
            if (s.headers == null) {
                s.headers = headers;
            } else {
                s.trailers = headers;
            }
            s.ended |= ends;
        });
    }

    private java.util.Optional<Stream> streamOf(int id) {
        return java.util.Optional.ofNullable(streams.get(id));
    }

    private void frame(int type, int flags, int stream, byte[] payload) {
        try {
            byte[] header = {
                (byte) (payload.length >>> 16),
                (byte) (payload.length >>> 8),
                (byte) payload.length,
                (byte) type,
                (byte) flags,
                (byte) (stream >>> 24),
                (byte) (stream >>> 16),
                (byte) (stream >>> 8),
                (byte) stream
            };
            out.write(header);
            out.write(payload);
            out.flush();
        } catch (IOException e) {
            goAway = true;
        }
    }

    /** Headers as {@link #start} takes them. */
    static Map<String, String> headers(String... namesAndValues) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
