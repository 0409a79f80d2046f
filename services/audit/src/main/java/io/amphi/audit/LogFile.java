package io.amphi.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.StoredEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The export format {@value #FORMAT}: newline-delimited JSON, one header line then one line per
 * event, sessions in id order then the exam's own events, each in sequence order. Payloads and
 * metadata are base64 of the exact stored bytes, so hashes recompute from the file alone.
 * Documented in AUDIT-FORMAT.md.
 */
final class LogFile {

    static final String FORMAT = "amphi-audit-log/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LogFile() {
    }

    /** Writes the log to {@code file}; returns how many events were written. */
    static long export(ExamLog log, Path file, Progress progress) throws Exception {
        long total = log.eventCount();
        long[] written = {0};
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            ObjectNode header = JSON.createObjectNode()
                    .put("format", FORMAT)
                    .put("exam", log.examId())
                    .put("exportedAt", Instant.now().toString())
                    .put("exportedFrom", log.origin())
                    .put("eventHash", EventHashes.VERSION)
                    .put("merkleTree", "amphi-merkle-v1")
                    .put("events", total);
            out.write(JSON.writeValueAsString(header));
            out.newLine();
            log.forEachChain(chain -> {
                for (StoredEvent event : chain) {
                    out.write(JSON.writeValueAsString(line(event)));
                    out.newLine();
                    progress.advance(1);
                    written[0]++;
                }
            });
        }
        return written[0];
    }

    private static ObjectNode line(StoredEvent event) {
        Base64.Encoder base64 = Base64.getEncoder();
        ObjectNode line = JSON.createObjectNode()
                .put("aggregate", event.aggregateIdentifier())
                .put("sequence", event.sequenceNumber())
                .put("eventId", event.eventIdentifier())
                .put("aggregateType", event.type())
                .put("timestamp", event.timestamp())
                .put("payloadType", event.payloadType())
                .put("payloadRevision", event.payloadRevision())
                .put("payload", base64.encodeToString(event.payload()))
                .put("metaData", event.metaData() == null ? null : base64.encodeToString(event.metaData()));
        line.put("chainHash", event.chainHash() == null ? null : EventHashes.hex(event.chainHash()));
        return line;
    }

    /** Reads an exported log back. */
    static ExamLog open(Path file) throws IOException {
        BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        JsonNode header = header(in.readLine());
        if (header == null || !FORMAT.equals(header.path("format").asText())) {
            in.close();
            throw new IllegalArgumentException(file + " is not an " + FORMAT + " file (its first line must say so).");
        }
        return new ExamLog() {
            private int lineNumber = 1;

            @Override
            public String examId() {
                return header.path("exam").asText();
            }

            @Override
            public String origin() {
                return file + " (exported " + header.path("exportedAt").asText() + ")";
            }

            @Override
            public long eventCount() {
                return header.path("events").asLong(-1);
            }

            @Override
            public void forEachChain(ChainConsumer consumer) throws Exception {
                List<StoredEvent> chain = new ArrayList<>();
                String text;
                while ((text = in.readLine()) != null) {
                    lineNumber++;
                    if (text.isBlank()) {
                        continue;
                    }
                    StoredEvent event = event(text, lineNumber);
                    if (!chain.isEmpty() && !chain.getFirst().aggregateIdentifier().equals(event.aggregateIdentifier())) {
                        consumer.accept(chain);
                        chain = new ArrayList<>();
                    }
                    chain.add(event);
                }
                if (!chain.isEmpty()) {
                    consumer.accept(chain);
                }
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private static JsonNode header(String firstLine) {
        try {
            return firstLine == null ? null : JSON.readTree(firstLine);
        } catch (IOException e) {
            return null;
        }
    }

    private static StoredEvent event(String text, int lineNumber) {
        try {
            JsonNode line = JSON.readTree(text);
            Base64.Decoder base64 = Base64.getDecoder();
            return new StoredEvent(line.get("eventId").asText(), line.get("aggregate").asText(),
                    line.get("sequence").asLong(), textOrNull(line, "aggregateType"), textOrNull(line, "timestamp"),
                    textOrNull(line, "payloadType"), textOrNull(line, "payloadRevision"),
                    base64.decode(line.get("payload").asText()),
                    line.hasNonNull("metaData") ? base64.decode(line.get("metaData").asText()) : null,
                    line.hasNonNull("chainHash") ? EventHashes.fromHex(line.get("chainHash").asText()) : null);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Line " + lineNumber + " is not an event line: " + e.getMessage(), e);
        }
    }

    private static String textOrNull(JsonNode line, String field) {
        return line.hasNonNull(field) ? line.get(field).asText() : null;
    }
}
