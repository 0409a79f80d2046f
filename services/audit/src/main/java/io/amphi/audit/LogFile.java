package io.amphi.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.platform.audit.ChainConsumer;
import io.amphi.platform.audit.ChainSplitter;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.StoredEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The export format {@value #FORMAT}: newline-delimited JSON, one header line, one line per event
 * (the exam's own events, its scoring's, then its sessions in id order, each in sequence order),
 * then one line per result the platform recorded. Payloads and metadata are base64 of the exact
 * stored bytes, so hashes recompute from the file alone. Documented in AUDIT-FORMAT.md.
 */
final class LogFile {

    static final String FORMAT = "amphi-audit-log/v1";
    private static final String RESULT_LINE = "{\"result\"";
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
            for (ExamLog.PlatformResult result : log.platformResults().values()) {
                out.write(JSON.writeValueAsString(resultLine(result)));
                out.newLine();
            }
        }
        return written[0];
    }

    private static ObjectNode resultLine(ExamLog.PlatformResult result) {
        ObjectNode line = JSON.createObjectNode();
        ObjectNode body = line.putObject("result")
                .put("session", result.sessionId())
                .put("keyVersion", result.keyVersion())
                .put("ruleSet", result.ruleSet())
                .put("total", result.total().toPlainString());
        ObjectNode points = body.putObject("points");
        result.pointsByQuestion().forEach((question, value) -> points.put(question, value.toPlainString()));
        return line;
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
            public void forEachChain(ChainConsumer<Exception> consumer) throws Exception {
                ChainSplitter<Exception> chains = new ChainSplitter<>(consumer);
                String text;
                while ((text = in.readLine()) != null) {
                    lineNumber++;
                    if (!text.isBlank() && !text.startsWith(RESULT_LINE)) {
                        chains.add(event(text, lineNumber));
                    }
                }
                chains.finish();
            }

            @Override
            public Map<String, ExamLog.PlatformResult> platformResults() throws IOException {
                Map<String, ExamLog.PlatformResult> results = new LinkedHashMap<>();
                try (BufferedReader again = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String text;
                    while ((text = again.readLine()) != null) {
                        if (text.startsWith(RESULT_LINE)) {
                            JsonNode result = JSON.readTree(text).get("result");
                            Map<String, BigDecimal> points = new LinkedHashMap<>();
                            result.path("points").properties().forEach(p -> points.put(p.getKey(),
                                    new BigDecimal(p.getValue().asText())));
                            String session = result.path("session").asText();
                            results.put(session, new ExamLog.PlatformResult(session, result.path("keyVersion").asInt(),
                                    result.path("ruleSet").asText(), new BigDecimal(result.path("total").asText()), points));
                        }
                    }
                }
                return results;
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
