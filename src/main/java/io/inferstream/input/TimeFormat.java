package io.inferstream.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * How a mapped time field is written ({@code input.time-format}): epoch seconds, milliseconds,
 * microseconds or nanoseconds (numbers, or numbers written as JSON strings), ISO-8601 text, or
 * {@link #AUTO}, today's tick rule (epoch milliseconds or ISO-8601). Every form becomes epoch
 * milliseconds before the event-time guard sees it.
 */
public enum TimeFormat {
    AUTO("auto", 0),
    EPOCH_S("epoch-s", -3),
    EPOCH_MS("epoch-ms", 0),
    EPOCH_US("epoch-us", 3),
    EPOCH_NS("epoch-ns", 6),
    ISO_8601("iso-8601", 0);

    /** The spelling in the configuration. */
    public final String spelling;
    /** Decimal places to drop from the epoch number to get milliseconds (negative: to add). */
    private final int digitsBelowMillis;

    TimeFormat(String spelling, int digitsBelowMillis) {
        this.spelling = spelling;
        this.digitsBelowMillis = digitsBelowMillis;
    }

    /** Every spelling, in the order the docs list them. */
    public static String[] spellings() {
        TimeFormat[] all = values();
        String[] spellings = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            spellings[i] = all[i].spelling;
        }
        return spellings;
    }

    public static TimeFormat of(String spelling) {
        for (TimeFormat format : values()) {
            if (format.spelling.equals(spelling.toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                "time format '" + spelling + "': expected one of " + String.join(", ", spellings()));
    }

    /**
     * The field's value as epoch milliseconds; {@code path} names the field in the error. Epoch
     * numbers may carry a fraction (1700000000.123 seconds); parts below a millisecond are cut.
     */
    public long toEpochMillis(JsonNode node, String path) throws RejectedInputException {
        if (node.isNumber() || node.isTextual()) {
            // From the text: a float's decimalValue() is its binary double, 1700000000.1229999...
            return toEpochMillis(node.isNumber() ? new BigDecimal(node.asText()) : null, node.asText(), path);
        }
        throw FieldPaths.wrongType(path, node.getNodeType().toString(), expected());
    }

    /** As {@link #toEpochMillis(JsonNode, String)} for a number or text from an Avro record. */
    public long toEpochMillis(Object value, String path) throws RejectedInputException {
        if (value instanceof Number number) {
            return toEpochMillis(new BigDecimal(number.toString()), number.toString(), path);
        }
        if (value instanceof CharSequence text) {
            return toEpochMillis(null, text.toString(), path);
        }
        throw FieldPaths.wrongType(path, FieldPaths.describe(value), expected());
    }

    private long toEpochMillis(BigDecimal number, String text, String path) throws RejectedInputException {
        if (this == ISO_8601 || (this == AUTO && number == null && !looksNumeric(text))) {
            try {
                return EventTimes.parseIso(text, path);
            } catch (RejectedInputException e) {
                throw FieldPaths.wrongType(path, "'" + text + "'", expected());
            }
        }
        BigDecimal epoch = number;
        if (epoch == null) {
            try {
                epoch = new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                throw FieldPaths.wrongType(path, "'" + text + "'", expected());
            }
        }
        try {
            return epoch.movePointLeft(digitsBelowMillis)
                    .setScale(0, RoundingMode.FLOOR)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw FieldPaths.wrongType(path, text, expected() + " within the range of epoch milliseconds");
        }
    }

    private static boolean looksNumeric(String text) {
        String trimmed = text.trim();
        return !trimmed.isEmpty() && trimmed.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '-' || c == '.');
    }

    private String expected() {
        switch (this) {
            case ISO_8601:
                return "ISO-8601 text like 2026-12-01T10:00:00Z";
            case AUTO:
                return "epoch milliseconds or ISO-8601 text";
            default:
                return "a number of " + spelling.substring("epoch-".length()) + " since the epoch (" + spelling + ")";
        }
    }
}
