package io.amphi.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** Writes an exam's log as a {@value LogFile#FORMAT} file. */
final class LogFileWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LogFileWriter() {}

    /** Writes the log to {@code file}; returns how many events were written. */
    static long export(ExamLog log, Path file, Progress progress) throws Exception {
        return export(log, file, progress, Instant.now());
    }

    static long export(ExamLog log, Path file, Progress progress, Instant exportedAt) throws Exception {
        long total = log.eventCount();
        List<ResultLine> results = log.results();
        long[] written = {0};
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            ObjectNode header = JSON.createObjectNode()
                    .put("format", LogFile.FORMAT)
                    .put("exam", log.examId())
                    .put("exportedAt", exportedAt.toString())
                    .put("exportedFrom", log.origin())
                    .put("eventHash", EventHashes.VERSION)
                    .put("merkleTree", "amphi-merkle-v1")
                    .put("publicationSeal", PublicationSeal.VERSION)
                    .put("events", total)
                    .put("results", results.size());
            out.write(JSON.writeValueAsString(header));
            out.write('\n');
            log.forEachChain(chain -> {
                for (StoredEvent event : chain) {
                    out.write(JSON.writeValueAsString(line(event)));
                    out.write('\n');
                    progress.advance(1);
                    written[0]++;
                }
            });
            for (ResultLine result : results) {
                out.write(JSON.writeValueAsString(resultLine(result)));
                out.write('\n');
            }
        }
        return written[0];
    }

    private static ObjectNode resultLine(ResultLine result) {
        ObjectNode line = JSON.createObjectNode();
        ObjectNode body = line.putObject("result")
                .put("session", result.sessionId())
                .put("keyVersion", result.keyVersion())
                .put("ruleSet", result.ruleSet())
                .put("lastSequence", result.lastSequence())
                .put("lastEventHash", EventHashes.hex(result.lastEventHash()))
                .put("total", result.total());
        ArrayNode questions = body.putArray("questions");
        result.questions()
                .forEach(q ->
                        questions.addObject().put("question", q.questionId()).put("points", q.points()));
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
}
