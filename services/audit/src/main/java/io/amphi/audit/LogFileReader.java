package io.amphi.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.platform.audit.AuditJson;
import io.amphi.platform.audit.ChainConsumer;
import io.amphi.platform.audit.ChainSplitter;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.PublicationSeal.QuestionPoints;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads a {@value LogFile#FORMAT} file back. A line that does not have the shape the
 * specification gives makes the whole file unreadable, with its number.
 */
final class LogFileReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+\\.[0-9]{3}");

    private LogFileReader() {}

    /** Reads an exported log back; its header is checked at once, its lines as they are read. */
    static ExamLog open(Path file) throws IOException {
        BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        JsonNode header;
        try {
            header = header(in.readLine());
        } catch (RuntimeException e) {
            in.close();
            throw new IllegalArgumentException(file + " is not an " + LogFile.FORMAT + " file: " + e.getMessage());
        }
        String examId = header.get("exam").textValue();
        long events = header.get("events").longValue();
        long resultLines = header.get("results").longValue();
        return new ExamLog() {

            @Override
            public String examId() {
                return examId;
            }

            @Override
            public String origin() {
                return file + " (exported " + header.path("exportedAt").asText() + ")";
            }

            @Override
            public long eventCount() {
                return events;
            }

            @Override
            public OptionalLong declaredEvents() {
                return OptionalLong.of(events);
            }

            @Override
            public OptionalLong declaredResults() {
                return OptionalLong.of(resultLines);
            }

            private List<ResultLine> results;

            @Override
            public void forEachChain(ChainConsumer<Exception> consumer) throws Exception {
                ChainSplitter<Exception> chains = new ChainSplitter<>(consumer);
                List<ResultLine> read = new ArrayList<>();
                long lineNumber = 1;
                String text;
                while ((text = in.readLine()) != null) {
                    lineNumber++;
                    if (!text.isEmpty()) {
                        JsonNode line = parse(text, lineNumber);
                        if (line.has("result")) {
                            read.add(result(line, lineNumber));
                        } else if (!read.isEmpty()) {
                            throw unreadable(lineNumber, "an event line after the result lines");
                        } else {
                            chains.add(event(line, lineNumber));
                        }
                    }
                }
                chains.finish();
                results = read;
            }

            /** Read along with the events; before them, a pass of its own over the lines that are not events. */
            @Override
            public List<ResultLine> results() throws IOException {
                if (results != null) {
                    return results;
                }
                List<ResultLine> read = new ArrayList<>();
                try (BufferedReader again = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    again.readLine();
                    long lineNumber = 1;
                    String text;
                    while ((text = again.readLine()) != null) {
                        lineNumber++;
                        if (!text.isEmpty() && !text.startsWith(LogFile.EVENT_LINE)) {
                            JsonNode line = parse(text, lineNumber);
                            if (line.has("result")) {
                                read.add(result(line, lineNumber));
                            }
                        }
                    }
                }
                return read;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private static JsonNode header(String firstLine) {
        if (firstLine == null) {
            throw new IllegalArgumentException("it is empty");
        }
        JsonNode header = parse(firstLine, 1);
        if (!LogFile.FORMAT.equals(header.path("format").textValue())) {
            throw new IllegalArgumentException("its first line must say \"format\":\"" + LogFile.FORMAT + "\"");
        }
        if (!header.path("exam").isTextual()
                || !AuditJson.isWhole(header.get("events"))
                || !AuditJson.isWhole(header.get("results"))) {
            throw new IllegalArgumentException(
                    "its header must give \"exam\" (a string), \"events\" and \"results\" " + "(numbers of lines)");
        }
        return header;
    }

    private static JsonNode parse(String text, long lineNumber) {
        if (text.length() > LogFile.MAX_LINE) {
            throw unreadable(lineNumber, "longer than " + LogFile.MAX_LINE + " characters");
        }
        JsonNode line;
        try {
            line = AuditJson.parse(text);
        } catch (JsonProcessingException e) {
            throw unreadable(lineNumber, "not JSON as AUDIT-FORMAT.md reads it (" + e.getOriginalMessage() + ")");
        }
        if (!line.isObject()) {
            throw unreadable(lineNumber, "not a JSON object");
        }
        if (!AuditJson.wellFormed(line)) {
            throw unreadable(lineNumber, "a string holds half of a surrogate pair, which is not Unicode");
        }
        return line;
    }

    private static StoredEvent event(JsonNode line, long lineNumber) {
        JsonNode sequence = line.get("sequence");
        if (!AuditJson.isWhole(sequence)) {
            throw unreadable(lineNumber, "\"sequence\" must be a whole number from 0");
        }
        return new StoredEvent(
                text(line, "eventId", false, lineNumber),
                text(line, "aggregate", false, lineNumber),
                sequence.longValue(),
                text(line, "aggregateType", true, lineNumber),
                text(line, "timestamp", true, lineNumber),
                text(line, "payloadType", true, lineNumber),
                text(line, "payloadRevision", true, lineNumber),
                base64(line, "payload", false, lineNumber),
                base64(line, "metaData", true, lineNumber),
                hash(line, "chainHash", true, lineNumber));
    }

    private static ResultLine result(JsonNode line, long lineNumber) {
        if (line.size() != 1 || !line.get("result").isObject()) {
            throw unreadable(lineNumber, "a result line is {\"result\":{...}} and nothing else");
        }
        JsonNode result = line.get("result");
        JsonNode keyVersion = result.get("keyVersion");
        JsonNode lastSequence = result.get("lastSequence");
        JsonNode questions = result.get("questions");
        if (!AuditJson.isWhole(keyVersion)
                || keyVersion.longValue() > Integer.MAX_VALUE
                || !AuditJson.isWhole(lastSequence)
                || questions == null
                || !questions.isArray()) {
            throw unreadable(
                    lineNumber,
                    "a result line gives \"keyVersion\" and \"lastSequence\" (whole numbers) and "
                            + "\"questions\" (a list)");
        }
        List<QuestionPoints> points = new ArrayList<>();
        for (JsonNode question : questions) {
            points.add(new QuestionPoints(
                    text(question, "question", false, lineNumber), decimal(question, "points", lineNumber)));
        }
        return new ResultLine(
                text(result, "session", false, lineNumber),
                keyVersion.intValue(),
                text(result, "ruleSet", false, lineNumber),
                lastSequence.longValue(),
                hash(result, "lastEventHash", false, lineNumber),
                decimal(result, "total", lineNumber),
                points);
    }

    private static String text(JsonNode line, String field, boolean nullable, long lineNumber) {
        JsonNode value = line.get(field);
        if (value != null && value.isTextual()) {
            return value.textValue();
        }
        if (nullable && (value == null || value.isNull())) {
            return null;
        }
        throw unreadable(lineNumber, "\"" + field + "\" must be a string" + (nullable ? " or null" : ""));
    }

    private static byte[] base64(JsonNode line, String field, boolean nullable, long lineNumber) {
        String value = text(line, field, nullable, lineNumber);
        if (value == null) {
            return null;
        }
        if (!LogFile.BASE64.matcher(value).matches()) {
            throw unreadable(lineNumber, "\"" + field + "\" must be padded base64 (RFC 4648, section 4)");
        }
        return Base64.getDecoder().decode(value);
    }

    private static byte[] hash(JsonNode line, String field, boolean nullable, long lineNumber) {
        String value = text(line, field, nullable, lineNumber);
        if (value == null) {
            return null;
        }
        if (!EventHashes.isHash(value)) {
            throw unreadable(lineNumber, "\"" + field + "\" must be 64 lowercase hex digits");
        }
        return EventHashes.fromHex(value);
    }

    private static String decimal(JsonNode line, String field, long lineNumber) {
        String value = text(line, field, false, lineNumber);
        if (!DECIMAL.matcher(value).matches()) {
            throw unreadable(lineNumber, "\"" + field + "\" must be a decimal with three digits after the point");
        }
        return value;
    }

    private static IllegalArgumentException unreadable(long lineNumber, String why) {
        return new IllegalArgumentException("Line " + lineNumber + " cannot be read: " + why + ".");
    }
}
