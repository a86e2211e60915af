package io.inferstream.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.Tick;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Parses a tick from a Kafka record: JSON {@code {"key":"AAPL","ts":1700000000000,"values":[101.5]}}
 * ({@code ts} epoch milliseconds, as an integer or a float without a fraction, or ISO-8601;
 * {@code "value": x} for one feature; the key from the Kafka key, strict UTF-8, when absent) or an Avro {@code Tick} in single-object encoding.
 */
public final class TickParser {
    // NaN and Infinity parse, so that they are refused with their own reason rather than as bad JSON.
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS, true);

    private TickParser() {}

    /** A parsed tick, before any check against the model. */
    public static final class Parsed {
        public final String key;
        public final long ts;
        public final double[] values;
        public final String id;

        Parsed(String key, long ts, double[] values, String id) {
            this.key = key;
            this.ts = ts;
            this.values = values;
            this.id = id;
        }
    }

    public static Parsed parse(byte[] recordKey, byte[] value) throws RejectedInputException {
        if (value == null || value.length == 0) {
            throw new RejectedInputException(RejectReason.EMPTY_VALUE, "the record has no value");
        }
        if (SingleObjectAvro.hasMarker(value)) {
            Tick tick = SingleObjectAvro.decode(value, Tick.getClassSchema(), Tick.getDecoder());
            List<Double> list = tick.getValues();
            double[] values = new double[list.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = list.get(i);
            }
            return new Parsed(key(tick.getKey(), recordKey), tick.getTs().toEpochMilli(), values, tick.getId());
        }
        return parseJson(value, recordKey);
    }

    private static Parsed parseJson(byte[] value, byte[] recordKey) throws RejectedInputException {
        JsonNode node = jsonObject(value);
        JsonNode ts = node.get("ts");
        if (ts == null || ts.isNull()) {
            throw new RejectedInputException(
                    RejectReason.BAD_TICK, "tick has no \"ts\"; expected epoch millis or ISO-8601");
        }
        long time = ts.isNumber() ? epochMillis(ts) : parseTime(ts.asText());
        JsonNode key = node.get("key");
        return new Parsed(
                key(key == null || key.isNull() ? null : key.asText(), recordKey), time, values(node), id(node));
    }

    static String id(JsonNode node) {
        JsonNode id = node.get("id");
        return id == null || id.isNull() ? null : id.asText();
    }

    /** The value as a JSON object, or BAD_TICK naming what it is instead. */
    static JsonNode jsonObject(byte[] value) throws RejectedInputException {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (Exception e) {
            throw new RejectedInputException(
                    RejectReason.BAD_TICK, "not JSON nor an Avro Tick: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new RejectedInputException(
                    RejectReason.BAD_TICK,
                    "tick is " + (node == null ? "empty" : node.getNodeType())
                            + "; expected a JSON object like {\"key\":\"AAPL\",\"ts\":1700000000000,\"values\":[101.5]}");
        }
        return node;
    }

    /**
     * A JSON number as epoch milliseconds: integers, and floats without a fraction
     * (1700000002500.0, as some JSON writers print every number), as long as a long holds them.
     */
    private static long epochMillis(JsonNode ts) throws RejectedInputException {
        if (ts.isIntegralNumber()) {
            if (!ts.canConvertToLong()) {
                throw new RejectedInputException(
                        RejectReason.BAD_TICK, "\"ts\" = " + ts + " does not fit a long; expected epoch milliseconds");
            }
            return ts.asLong();
        }
        double millis = ts.asDouble();
        // Doubles of 2^63 and above round down to Long.MAX_VALUE in a cast: refuse them instead.
        if (!Double.isFinite(millis) || millis != Math.rint(millis) || Math.abs(millis) >= 0x1p63) {
            throw new RejectedInputException(
                    RejectReason.BAD_TICK,
                    "\"ts\" = " + ts + " is not a whole number; expected epoch milliseconds like 1700000000000");
        }
        return (long) millis;
    }

    private static long parseTime(String text) throws RejectedInputException {
        try {
            return EventTimes.parse(text, "\"ts\"");
        } catch (RejectedInputException e) {
            throw new RejectedInputException(RejectReason.BAD_TICK, e.getMessage());
        }
    }

    static double[] values(JsonNode node) throws RejectedInputException {
        JsonNode values = node.get("values");
        JsonNode single = node.get("value");
        if (values != null && values.isArray()) {
            double[] result = new double[values.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = number(values.get(i), "values[" + i + "]");
            }
            return result;
        }
        if (single != null && values == null) {
            return new double[] {number(single, "value")};
        }
        throw new RejectedInputException(RejectReason.BAD_TICK, "tick has no \"values\" array nor a single \"value\"");
    }

    private static double number(JsonNode node, String field) throws RejectedInputException {
        if (node == null || !node.isNumber()) {
            throw new RejectedInputException(RejectReason.BAD_TICK, field + " = " + node + ": expected a number");
        }
        return node.asDouble();
    }

    static String key(String fromBody, byte[] fromRecord) throws RejectedInputException {
        if (fromBody != null && !fromBody.isEmpty()) {
            return fromBody;
        }
        String key = fromRecord == null ? null : recordKey(fromRecord);
        if (key == null || key.isEmpty()) {
            throw new RejectedInputException(
                    RejectReason.MISSING_KEY, "tick has no \"key\" and the Kafka record has no key");
        }
        return key;
    }

    /**
     * The Kafka key as text, decoded strictly: a lenient decoder turns every malformed sequence
     * into U+FFFD, so two series whose keys differ only there would share one hidden state.
     */
    static String recordKey(byte[] key) throws RejectedInputException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RejectedInputException(
                    RejectReason.INVALID_KEY,
                    "the Kafka key " + hex(key) + " is not valid UTF-8; expected a UTF-8 series key (or a \"key\""
                            + " in the tick)");
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 32); i++) {
            hex.append(String.format("%02X", bytes[i] & 0xff));
        }
        return hex + (bytes.length > 32 ? "... (" + bytes.length + " bytes)" : "");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
