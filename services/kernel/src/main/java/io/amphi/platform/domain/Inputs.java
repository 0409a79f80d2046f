package io.amphi.platform.domain;

/**
 * Checks every service applies to a request's fields at the edge, before any lookup, counter or
 * log line: identifiers have the shape of {@link Identifiers}, free text is bounded, and an error
 * quotes at most a short prefix of what the client sent.
 */
public final class Inputs {

    /** The longest piece of client input an error message repeats. */
    static final int QUOTED_CHARS = 32;

    /** The longest reason a person gives for an act kept in the log (an extension, a revocation). */
    public static final int MAX_REASON = 500;

    private Inputs() {}

    /**
     * The identifier in {@code field}, which must be present and have the shape of
     * {@link Identifiers}; INVALID_ARGUMENT {@code MISSING_<FIELD>} or {@code INVALID_<FIELD>} otherwise.
     */
    public static String id(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw DomainException.invalid("MISSING_" + code(field), "Send %s: it is empty.".formatted(field));
        }
        if (!Identifiers.valid(value)) {
            throw DomainException.invalid(
                    "INVALID_" + code(field),
                    "%s %s is not an id: an id is 1 to 64 letters, ".formatted(field, quote(value))
                            + "digits, '.', '_' or '-'.");
        }
        return value;
    }

    /** Like {@link #id} but an empty value means "none" and gives {@code null}. */
    public static String optionalId(String value, String field) {
        return value == null || value.isEmpty() ? null : id(value, field);
    }

    /**
     * Free text a person wrote, required, at most {@code maxChars} characters, no control
     * characters but line breaks and tabs; returned without surrounding blanks.
     */
    public static String text(String value, String field, int maxChars) {
        if (value == null || value.isBlank()) {
            throw DomainException.invalid("MISSING_" + code(field), "Send %s: it is empty.".formatted(field));
        }
        return boundedText(value, field, maxChars).strip();
    }

    /** Text of at most {@code maxChars} characters without control characters but line breaks and tabs; may be empty. */
    public static String boundedText(String value, String field, int maxChars) {
        if (value.length() > maxChars) {
            throw DomainException.invalid(
                    "TOO_LONG",
                    "%s is %d characters long; at most %d are accepted.".formatted(field, value.length(), maxChars));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                throw DomainException.invalid(
                        "CONTROL_CHARACTER",
                        "%s contains a control character (U+%04X) at position %d.".formatted(field, (int) c, i));
            }
        }
        return value;
    }

    /** At most {@code max} entries in a repeated field. */
    public static void count(int count, String field, int max) {
        if (count > max) {
            throw DomainException.invalid(
                    "TOO_MANY", "%s has %d entries; at most %d are accepted.".formatted(field, count, max));
        }
    }

    /** Text written on one log line: line breaks shown as "⏎", so no one can forge a line of their own. */
    public static String oneLine(String text) {
        return text.replace("\r\n", "⏎").replace('\n', '⏎').replace('\r', '⏎');
    }

    /**
     * A client's value as an error may repeat it: quoted, control characters shown as '?', and
     * cut to a short prefix with the full length said when it is long.
     */
    public static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        int shown = Math.min(value.length(), QUOTED_CHARS);
        if (shown > 0 && shown < value.length() && Character.isHighSurrogate(value.charAt(shown - 1))) {
            shown--;
        }
        StringBuilder quoted = new StringBuilder(shown + 32).append('\'');
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            quoted.append(Character.isISOControl(c) ? '?' : c);
        }
        quoted.append('\'');
        if (value.length() > shown) {
            quoted.insert(quoted.length() - 1, "…")
                    .append(" (")
                    .append(value.length())
                    .append(" characters)");
        }
        return quoted.toString();
    }

    private static String code(String field) {
        return field.toUpperCase(java.util.Locale.ROOT).replace(' ', '_').replace('.', '_');
    }
}
