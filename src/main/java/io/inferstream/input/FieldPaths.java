package io.inferstream.input;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * Reads mapped fields of an input record by JSON Pointer ({@code /device/id},
 * {@code /readings/temp}, {@code /values/0}): in a JSON tree, or in an Avro record where each
 * step names a record field, a map key or an array index. Every error names the path.
 */
public final class FieldPaths {
    // Only plain decimal notation: Double.parseDouble also takes "NaN", "Infinity" and "0x1p3".
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private FieldPaths() {}

    /** Compiles a path once, at start-up; a malformed one throws IllegalArgumentException. */
    public static JsonPointer compile(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("'" + path + "' is not a JSON Pointer; expected a path like /device/id");
        }
        return JsonPointer.compile(path);
    }

    /** The node at the path; a missing or null field is refused as MISSING_FIELD. */
    public static JsonNode require(JsonNode root, JsonPointer path) throws RejectedInputException {
        JsonNode node = root.at(path);
        if (node.isMissingNode() || node.isNull()) {
            throw missing(path.toString());
        }
        return node;
    }

    /** The value at the path in an Avro record (a field, a map key, an array index), or MISSING_FIELD. */
    public static Object require(GenericRecord root, JsonPointer path) throws RejectedInputException {
        Object current = root;
        for (JsonPointer step = path; !step.matches(); step = step.tail()) {
            String name = step.getMatchingProperty();
            if (current instanceof GenericRecord record) {
                current = record.getSchema().getField(name) == null ? null : record.get(name);
            } else if (current instanceof Map<?, ?> map) {
                Object value = map.get(new Utf8(name));
                current = value != null ? value : map.get(name);
            } else if (current instanceof List<?> list && step.getMatchingIndex() >= 0) {
                int index = step.getMatchingIndex();
                current = index < list.size() ? list.get(index) : null;
            } else {
                current = null;
            }
            if (current == null) {
                throw missing(path.toString());
            }
        }
        return current;
    }

    /** A number, or a number written as text ("43210.50", as many trade feeds send prices). */
    public static double number(JsonNode node, String path) throws RejectedInputException {
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isTextual()) {
            return parseNumber(node.asText(), path);
        }
        throw wrongType(path, node.toString(), "a number or a number as a JSON string");
    }

    /** As {@link #number(JsonNode, String)} for a value from an Avro record. */
    public static double number(Object value, String path) throws RejectedInputException {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof CharSequence text) {
            return parseNumber(text.toString(), path);
        }
        throw wrongType(path, describe(value), "a number or a number as text");
    }

    /** Text or an integer (a numeric device id), as a key; objects, arrays, booleans and fractions are refused. */
    public static String text(JsonNode node, String path) throws RejectedInputException {
        if (node.isTextual() || node.isIntegralNumber()) {
            return node.asText();
        }
        throw wrongType(path, node.toString(), "text or an integer");
    }

    /** As {@link #text(JsonNode, String)} for a value from an Avro record. */
    public static String text(Object value, String path) throws RejectedInputException {
        if (value instanceof CharSequence || value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        throw wrongType(path, describe(value), "text or an integer");
    }

    private static double parseNumber(String text, String path) throws RejectedInputException {
        String trimmed = text.trim();
        if (!DECIMAL.matcher(trimmed).matches()) {
            throw wrongType(path, "'" + text + "'", "a number or a number as a JSON string");
        }
        return Double.parseDouble(trimmed);
    }

    static RejectedInputException missing(String path) {
        return new RejectedInputException(
                RejectReason.MISSING_FIELD, "field " + path + " is missing or null; the input mapping names it");
    }

    static RejectedInputException wrongType(String path, String value, String expected) {
        return new RejectedInputException(
                RejectReason.WRONG_FIELD_TYPE, "field " + path + " = " + abbreviate(value) + ": expected " + expected);
    }

    static String describe(Object value) {
        if (value instanceof ByteBuffer bytes) {
            return bytes.remaining() + " bytes";
        }
        return value instanceof CharSequence ? "'" + value + "'" : String.valueOf(value);
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "... (" + value.length() + " chars)";
    }
}
