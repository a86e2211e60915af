package io.inferstream.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.Tick;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Parses a tick from a Kafka record: JSON {@code {"key":"AAPL","ts":1700000000000,"values":[101.5]}}
 * ({@code ts} epoch millis or ISO-8601, {@code "value": x} for one feature, the key from the
 * Kafka key when absent) or an Avro {@code Tick} in single-object encoding.
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
        String fallbackKey = recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8);
        if (SingleObjectAvro.hasMarker(value)) {
            Tick tick = SingleObjectAvro.decode(value, Tick.getClassSchema(), Tick.getDecoder());
            List<Double> list = tick.getValues();
            double[] values = new double[list.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = list.get(i);
            }
            return new Parsed(key(tick.getKey(), fallbackKey), tick.getTs().toEpochMilli(), values, tick.getId());
        }
        return parseJson(value, fallbackKey);
    }

    private static Parsed parseJson(byte[] value, String fallbackKey) throws RejectedInputException {
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
        JsonNode ts = node.get("ts");
        if (ts == null || ts.isNull()) {
            throw new RejectedInputException(
                    RejectReason.BAD_TICK, "tick has no \"ts\"; expected epoch millis or ISO-8601");
        }
        long time = ts.isIntegralNumber() ? ts.asLong() : parseTime(ts.asText());
        JsonNode key = node.get("key");
        JsonNode id = node.get("id");
        return new Parsed(
                key(key == null || key.isNull() ? null : key.asText(), fallbackKey),
                time,
                values(node),
                id == null || id.isNull() ? null : id.asText());
    }

    private static long parseTime(String text) throws RejectedInputException {
        try {
            return EventTimes.parse(text, "\"ts\"");
        } catch (RejectedInputException e) {
            throw new RejectedInputException(RejectReason.BAD_TICK, e.getMessage());
        }
    }

    private static double[] values(JsonNode node) throws RejectedInputException {
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

    private static String key(String fromBody, String fromRecord) throws RejectedInputException {
        String key = fromBody != null && !fromBody.isEmpty() ? fromBody : fromRecord;
        if (key == null || key.isEmpty()) {
            throw new RejectedInputException(
                    RejectReason.MISSING_KEY, "tick has no \"key\" and the Kafka record has no key");
        }
        return key;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
