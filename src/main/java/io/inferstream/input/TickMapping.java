package io.inferstream.input;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.inferstream.avro.Tick;
import java.io.Serializable;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Where a tick's key, time and values sit in a topic's own records ({@code input.key-field},
 * {@code input.time-field}, {@code input.value-fields}, {@code input.time-format}): JSON Pointer
 * paths into JSON, or field paths into an Avro record, or the Kafka record's key and timestamp.
 * Without any of them, ticks are read as {@link TickParser} always did.
 */
public final class TickMapping implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code input.key-field} value: the series key is the Kafka record key. */
    public static final String KAFKA_KEY = "kafka-key";
    /** {@code input.time-field} value: the event time is the Kafka record timestamp. */
    public static final String KAFKA_TIMESTAMP = "kafka-timestamp";

    private static final JsonPointer TICK_VALUES = JsonPointer.compile("/values");

    /** Today's formats: {"key","ts","value(s)"} JSON and the Avro Tick. */
    public static final TickMapping DEFAULT = new TickMapping(null, null, null, TimeFormat.AUTO, null);

    private final String keyField;
    private final String timeField;
    private final List<String> valueFields;
    private final TimeFormat timeFormat;
    /** The writer schema of mapped Avro records (JSON text); null: the Avro Tick. */
    private final String avroSchema;

    // Compiled once per instance after deserialization, never per record.
    private transient JsonPointer keyPath;
    private transient JsonPointer timePath;
    private transient JsonPointer[] valuePaths;
    private transient Schema schema;
    private transient BinaryMessageDecoder<GenericRecord> decoder;

    /**
     * Null fields keep today's rule for that part: the key from {@code /key} or else the Kafka
     * key, the time from {@code /ts}, the values from {@code /values} or {@code /value}. Paths
     * are checked here, so a malformed one fails at start-up (IllegalArgumentException).
     */
    public TickMapping(
            String keyField, String timeField, List<String> valueFields, TimeFormat timeFormat, String avroSchema) {
        this.keyField = keyField;
        this.timeField = timeField;
        this.valueFields = valueFields == null ? null : List.copyOf(valueFields);
        this.timeFormat = timeFormat;
        this.avroSchema = avroSchema;
        if (valueFields != null && valueFields.isEmpty()) {
            throw new IllegalArgumentException("no value fields; expected at least one path like /readings/temp");
        }
        compile();
        if (avroSchema != null && schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("the Avro schema is a " + schema.getType() + "; expected a record");
        }
    }

    /** Whether records are read exactly as without a mapping. */
    public boolean isDefault() {
        return keyField == null
                && timeField == null
                && valueFields == null
                && timeFormat == TimeFormat.AUTO
                && avroSchema == null;
    }

    private void compile() {
        keyPath = keyField == null || keyField.equals(KAFKA_KEY) ? null : FieldPaths.compile(keyField);
        timePath = FieldPaths.compile(timeField == null || timeField.equals(KAFKA_TIMESTAMP) ? "/ts" : timeField);
        if (valueFields != null) {
            valuePaths = new JsonPointer[valueFields.size()];
            for (int i = 0; i < valuePaths.length; i++) {
                valuePaths[i] = FieldPaths.compile(valueFields.get(i));
            }
        }
        schema = avroSchema == null ? Tick.getClassSchema() : new Schema.Parser().parse(avroSchema);
        decoder = new BinaryMessageDecoder<>(GenericData.get(), schema);
    }

    /** Parses a record under this mapping; the record timestamp serves {@code kafka-timestamp}. */
    public TickParser.Parsed parse(byte[] recordKey, byte[] value, long recordTimestamp) throws RejectedInputException {
        if (isDefault()) {
            return TickParser.parse(recordKey, value);
        }
        if (decoder == null) {
            compile();
        }
        if (value == null || value.length == 0) {
            throw new RejectedInputException(RejectReason.EMPTY_VALUE, "the record has no value");
        }
        if (SingleObjectAvro.hasMarker(value)) {
            return parseAvro(recordKey, SingleObjectAvro.decode(value, schema, decoder), recordTimestamp);
        }
        return parseJson(recordKey, TickParser.jsonObject(value), recordTimestamp);
    }

    private TickParser.Parsed parseJson(byte[] recordKey, JsonNode node, long recordTimestamp)
            throws RejectedInputException {
        String key;
        if (keyField == null) {
            JsonNode body = node.get("key");
            key = TickParser.key(body == null || body.isNull() ? null : body.asText(), recordKey);
        } else {
            key = keyPath == null ? kafkaKey(recordKey) : FieldPaths.text(FieldPaths.require(node, keyPath), keyField);
        }
        long time = KAFKA_TIMESTAMP.equals(timeField)
                ? recordTimestamp
                : timeFormat.toEpochMillis(FieldPaths.require(node, timePath), timePath.toString());
        double[] values;
        if (valuePaths == null) {
            values = TickParser.values(node);
        } else {
            values = new double[valuePaths.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = FieldPaths.number(FieldPaths.require(node, valuePaths[i]), valueFields.get(i));
            }
        }
        return new TickParser.Parsed(key, time, values, TickParser.id(node));
    }

    private TickParser.Parsed parseAvro(byte[] recordKey, GenericRecord record, long recordTimestamp)
            throws RejectedInputException {
        String key;
        if (keyPath != null) {
            key = FieldPaths.text(FieldPaths.require(record, keyPath), keyField);
        } else if (keyField == null && record.getSchema().getField("key") != null) {
            Object body = record.get("key");
            key = TickParser.key(body == null ? null : body.toString(), recordKey);
        } else {
            key = kafkaKey(recordKey);
        }
        long time = KAFKA_TIMESTAMP.equals(timeField)
                ? recordTimestamp
                : timeFormat.toEpochMillis(FieldPaths.require(record, timePath), timePath.toString());
        double[] values;
        if (valuePaths == null) {
            values = avroValues(FieldPaths.require(record, TICK_VALUES));
        } else {
            values = new double[valuePaths.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = FieldPaths.number(FieldPaths.require(record, valuePaths[i]), valueFields.get(i));
            }
        }
        Object id = record.getSchema().getField("id") == null ? null : record.get("id");
        return new TickParser.Parsed(key, time, values, id == null ? null : id.toString());
    }

    private static double[] avroValues(Object list) throws RejectedInputException {
        if (!(list instanceof List<?> items)) {
            throw FieldPaths.wrongType("/values", FieldPaths.describe(list), "an array of numbers");
        }
        double[] values = new double[items.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = FieldPaths.number(items.get(i), "/values/" + i);
        }
        return values;
    }

    private static String kafkaKey(byte[] recordKey) throws RejectedInputException {
        String key = recordKey == null ? null : TickParser.recordKey(recordKey);
        if (key == null || key.isEmpty()) {
            throw new RejectedInputException(
                    RejectReason.MISSING_KEY, "the Kafka record has no key; input.key-field is " + KAFKA_KEY);
        }
        return key;
    }
}
