package io.amphi.gateway.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Comma-separated values as RFC 4180 writes them: fields separated by commas, records by CRLF or
 * LF, a field in double quotes may hold commas, line breaks and doubled quotes. What cannot be
 * read is reported with its line number, never guessed at.
 */
final class Csv {

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private Csv() {}

    /** A record and the line it starts on (1-based). */
    record Row(int line, List<String> fields) {}

    /** The records of a text, or every problem found in it. */
    record Parsed(List<Row> rows, List<Map<String, Object>> problems) {}

    /** A record with more fields than this is not a candidate list. */
    static final int MAX_FIELDS = 50;
    /** Beyond this many problems, reading stops: the file is refused anyway. */
    static final int MAX_PROBLEMS = 1_000;

    static Parsed parse(String text, int maxRows) {
        List<Row> rows = new ArrayList<>();
        List<Map<String, Object>> problems = new ArrayList<>();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        int line = 1;
        int i = 0;
        while (i < body.length() && problems.size() < MAX_PROBLEMS) {
            int recordLine = line;
            boolean recordBad = false;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            boolean ended = false;
            while (i < body.length() && !ended) {
                char c = body.charAt(i++);
                if (quoted) {
                    if (c == '"' && i < body.length() && body.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append(c);
                    }
                } else if (recordBad && c != '\n' && c != '\r') {
                    // The record is refused already: the rest of its line is skipped, never kept.
                    continue;
                } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                    quoted = true;
                    wasQuoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    wasQuoted = false;
                    if (fields.size() >= MAX_FIELDS && !recordBad) {
                        problems.add(Map.of("line", recordLine, "message", "more than " + MAX_FIELDS + " fields"));
                        recordBad = true;
                    }
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i < body.length() && body.charAt(i) == '\n') {
                        i++;
                    }
                    line++;
                    ended = true;
                } else if (wasQuoted) {
                    if (!recordBad) {
                        problems.add(Map.of(
                                "line",
                                recordLine,
                                "message",
                                "text after a closing quote; double a quote inside a quoted field"));
                        recordBad = true;
                    }
                } else {
                    field.append(c);
                }
            }
            if (quoted) {
                problems.add(Map.of("line", recordLine, "message", "a quoted field is never closed"));
                continue;
            }
            if (recordBad) {
                continue;
            }
            fields.add(field.toString());
            boolean blank = fields.size() == 1 && fields.getFirst().isBlank() && !wasQuoted;
            if (!blank) {
                if (rows.size() == maxRows) {
                    problems.add(Map.of(
                            "line",
                            recordLine,
                            "message",
                            "more than " + maxRows + " rows; send the rest in another file"));
                    break;
                }
                rows.add(new Row(recordLine, fields));
            }
        }
        return new Parsed(rows, problems);
    }

    /**
     * One field, quoted when it must be. Text starting with =, +, -, @ or a control character is
     * prefixed with a quote so that a spreadsheet never runs it as a formula; numbers are left as they are.
     */
    static String field(String value) {
        boolean formulaLike = !value.isEmpty()
                && "=+-@\t\r".indexOf(value.charAt(0)) >= 0
                && !NUMBER.matcher(value).matches();
        String safe = formulaLike ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }

    static String line(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(fields.get(i)));
        }
        return out.append("\r\n").toString();
    }
}
