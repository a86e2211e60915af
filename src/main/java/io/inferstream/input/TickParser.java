package io.inferstream.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.inferstream.avro.Tick;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Parses a tick from a Kafka record: JSON {@code {"key":"AAPL","ts":1700000000000,"values":[101.5]}}
 * ({@code ts} epoch milliseconds, as an integer or a float without a fraction, or ISO-8601;
 * {@code "value": x} for one feature; the key from the Kafka key, strict UTF-8, when absent) or an Avro {@code Tick} in single-object encoding.
 */
public final class TickParser {
    /**
     * NaN and Infinity parse, so that they are refused with their own reason rather than as bad
     * JSON. Numbers go through Jackson's FastDoubleParser: the same double to the bit as the JDK's
     * parser (both round correctly), at half the cost of parsing a whole tick whose value has the
     * 16 or 17 digits a shortest round-trip print of a computed double has (BENCHMARKS.md).
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

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
        Parsed streamed = streamed(value, recordKey);
        return streamed != null ? streamed : parseTree(value, recordKey);
    }

    /**
     * The usual tick read as a token stream, without building a tree (the tree model was 70% of
     * the source task): a JSON object whose key, ts, value(s) and id appear once each and are of
     * the plain types. Anything else (a field twice, another type, bad JSON, content after the
     * object, a tick that would be refused) gives null and {@link #parseTree} decides, so every
     * rejection and its message comes from the one tree-model path.
     */
    static Parsed streamed(byte[] value, byte[] recordKey) {
        try (JsonParser json = JSON.createParser(value)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String key = null;
            String id = null;
            String tsText = null;
            long ts = 0;
            double[] values = null;
            double single = 0;
            int seen = 0;
            JsonToken token;
            while ((token = json.nextToken()) == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                token = json.nextToken();
                int field = FIELDS.indexOf(name);
                if (field >= 0) {
                    if ((seen & (1 << field)) != 0) {
                        return null;
                    }
                    seen |= 1 << field;
                }
                switch (name) {
                    case "key":
                        if (token == JsonToken.VALUE_STRING) {
                            key = json.getText();
                        } else if (token != JsonToken.VALUE_NULL) {
                            return null;
                        }
                        break;
                    case "id":
                        if (token == JsonToken.VALUE_STRING) {
                            id = json.getText();
                        } else if (token != JsonToken.VALUE_NULL) {
                            return null;
                        }
                        break;
                    case "ts":
                        if (token == JsonToken.VALUE_STRING) {
                            tsText = json.getText();
                        } else if (token == JsonToken.VALUE_NUMBER_INT
                                && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            ts = json.getLongValue();
                        } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                            double millis = json.getDoubleValue();
                            if (!Double.isFinite(millis) || millis != Math.rint(millis) || Math.abs(millis) >= 0x1p63) {
                                return null;
                            }
                            ts = (long) millis;
                        } else {
                            return null;
                        }
                        break;
                    case "values":
                        values = numbers(json, token);
                        if (values == null) {
                            return null;
                        }
                        break;
                    case "value":
                        if (!token.isNumeric()) {
                            return null;
                        }
                        single = json.getDoubleValue();
                        break;
                    default:
                        json.skipChildren();
                }
            }
            boolean hasTs = (seen & (1 << FIELDS.indexOf("ts"))) != 0;
            boolean hasValue = (seen & (1 << FIELDS.indexOf("value"))) != 0;
            if (token != JsonToken.END_OBJECT || json.nextToken() != null || !hasTs || (values == null && !hasValue)) {
                return null;
            }
            long time = tsText != null ? parseTime(tsText) : ts;
            return new Parsed(key(key, recordKey), time, values != null ? values : new double[] {single}, id);
        } catch (RejectedInputException | IOException | RuntimeException e) {
            return null;
        }
    }

    private static final List<String> FIELDS = List.of("key", "id", "ts", "values", "value");

    /** A JSON array of numbers, or null for anything else. */
    private static double[] numbers(JsonParser json, JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            return null;
        }
        double[] numbers = new double[8];
        int size = 0;
        JsonToken token;
        while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null || !token.isNumeric()) {
                return null;
            }
            if (size == numbers.length) {
                numbers = Arrays.copyOf(numbers, size * 2);
            }
            numbers[size++] = json.getDoubleValue();
        }
        return size == numbers.length ? numbers : Arrays.copyOf(numbers, size);
    }

    /** The tick through Jackson's tree model: the reference for every rejection and its message. */
    static Parsed parseTree(byte[] value, byte[] recordKey) throws RejectedInputException {
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
