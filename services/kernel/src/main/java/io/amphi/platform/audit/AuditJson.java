package io.amphi.platform.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * JSON as AUDIT-FORMAT.md reads it, so that every verifier reads the same bytes the same way:
 * strict UTF-8 without byte-order mark, one value and nothing after it, no NaN, no member twice,
 * at most {@value #MAX_DEPTH} nested arrays and objects, numbers of at most {@value #MAX_DIGITS}
 * digits, strings of at most {@value #MAX_STRING} UTF-16 code units and names of at most
 * {@value #MAX_NAME}.
 */
public final class AuditJson {

    public static final int MAX_DEPTH = 100;
    public static final int MAX_DIGITS = 100;
    public static final int MAX_STRING = 20_000_000;
    public static final int MAX_NAME = 50_000;

    /**
     * Jackson counts a number's digits for its own limit only on some paths (not in "0.000..."),
     * so the digits are counted here and Jackson's limit is a backstop well above ours.
     */
    private static final int JACKSON_NUMBER_BACKSTOP = 1_000;
    /** A number of more than 100 digits has, split by its point and exponent, a run of at least 34. */
    private static final int DIGIT_RUN_WORTH_COUNTING = 34;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(JACKSON_NUMBER_BACKSTOP)
                            .maxStringLength(MAX_STRING)
                            .maxNameLength(MAX_NAME)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private AuditJson() {}

    /** Stored bytes (a payload, metadata) as JSON; empty when they are not JSON as the specification reads it. */
    public static Optional<JsonNode> parse(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(text)).filter(node -> !node.isMissingNode());
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** One text as JSON; a byte-order mark, or anything beyond the limits, is refused. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            throw new JsonProcessingException("a byte-order mark is not JSON") {};
        }
        JsonNode node = JSON.readTree(text);
        if (mayHoldLongNumber(text)) {
            requireShortNumbers(text);
        }
        return node == null ? JSON.missingNode() : node;
    }

    private static boolean mayHoldLongNumber(String text) {
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = Character.isDigit(text.charAt(i)) && text.charAt(i) < 128 ? run + 1 : 0;
            if (run >= DIGIT_RUN_WORTH_COUNTING) {
                return true;
            }
        }
        return false;
    }

    private static void requireShortNumbers(String text) throws JsonProcessingException {
        try (JsonParser parser = JSON.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token.isNumeric()
                        && parser.getText()
                                        .chars()
                                        .filter(c -> c >= '0' && c <= '9')
                                        .count()
                                > MAX_DIGITS) {
                    throw new JsonParseException(parser, "a number of more than " + MAX_DIGITS + " digits");
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new JsonParseException(null, e.getMessage());
        }
    }

    /** Whether the value is a whole number from 0 that fits 64 bits (what counts, sequences and versions are). */
    public static boolean isWhole(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0;
    }

    /** Whether every string and name in the value is whole Unicode (no surrogate without its pair). */
    public static boolean wellFormed(JsonNode node) {
        if (node.isTextual()) {
            return wellFormed(node.textValue());
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            if (!wellFormed(property.getKey()) || !wellFormed(property.getValue())) {
                return false;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!wellFormed(element)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
