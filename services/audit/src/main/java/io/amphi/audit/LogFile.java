package io.amphi.audit;

import java.util.regex.Pattern;

/**
 * The export format {@value #FORMAT} (AUDIT-FORMAT.md): newline-delimited JSON, one header line,
 * one line per event (the exam's own events, its scoring's, then its sessions in id order, each
 * in sequence order), then one line per result the platform recorded. Payloads and metadata are
 * base64 of the exact stored bytes, so hashes recompute from the file alone. {@link LogFileWriter}
 * writes it, {@link LogFileReader} reads it back.
 */
final class LogFile {

    static final String FORMAT = "amphi-audit-log/v2";
    /** The longest line, in UTF-16 code units (AUDIT-FORMAT.md section 7). */
    static final int MAX_LINE = 64 * 1024 * 1024;

    /** How the exporter starts every event line: such lines need not be parsed to find the results. */
    static final String EVENT_LINE = "{\"aggregate\":";

    static final Pattern BASE64 = Pattern.compile("([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

    private LogFile() {}
}
