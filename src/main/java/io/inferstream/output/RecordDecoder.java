package io.inferstream.output;

import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.ImageEvent;
import io.inferstream.avro.ImagePrediction;
import io.inferstream.avro.ModelStatus;
import io.inferstream.avro.ModelUpdate;
import io.inferstream.avro.Tick;
import io.inferstream.avro.TickPrediction;
import io.inferstream.input.AvroSchemaHistory;
import io.inferstream.input.SingleObjectAvro;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads any record Inferstream writes or accepts, whatever its format, back into an object:
 * Avro single-object encoding of a known schema (by fingerprint), JSON, or opaque bytes.
 */
public final class RecordDecoder {
    private static final Map<Long, Function<byte[], SpecificRecord>> KNOWN = new LinkedHashMap<>();

    static {
        register(
                ImagePrediction.getClassSchema(),
                b -> decode(() -> ImagePrediction.getDecoder().decode(b)));
        // Dead letters written before keyLength, valueLength and their digests were added, too.
        for (Schema schema : schemaAndEarlier(DeadLetter.getClassSchema())) {
            register(schema, b -> decode(() -> AvroSchemaHistory.DEAD_LETTERS.decode(b)));
        }
        register(
                ImageEvent.getClassSchema(),
                b -> decode(() -> ImageEvent.getDecoder().decode(b)));
        // Forecasts written before intervals, horizons and anomaly flags were added, too.
        for (Schema schema : schemaAndEarlier(TickPrediction.getClassSchema())) {
            register(schema, b -> decode(() -> AvroSchemaHistory.TICK_PREDICTIONS.decode(b)));
        }
        register(Tick.getClassSchema(), b -> decode(() -> Tick.getDecoder().decode(b)));
        for (Schema schema : schemaAndEarlier(ModelUpdate.getClassSchema())) {
            register(schema, b -> decode(() -> AvroSchemaHistory.MODEL_UPDATES.decode(b)));
        }
        for (Schema schema : schemaAndEarlier(ModelStatus.getClassSchema())) {
            register(schema, b -> decode(() -> AvroSchemaHistory.MODEL_STATUSES.decode(b)));
        }
    }

    private RecordDecoder() {}

    private static List<Schema> schemaAndEarlier(Schema current) {
        List<Schema> all = new ArrayList<>(List.of(current));
        all.addAll(AvroSchemaHistory.earlier(current));
        return all;
    }

    private static synchronized void register(Schema schema, Function<byte[], SpecificRecord> decoder) {
        KNOWN.put(SingleObjectAvro.fingerprint(schema), decoder);
    }

    /** The Avro record in a single-object encoded value, or null if it is not one we know. */
    public static synchronized SpecificRecord decodeAvro(byte[] value) {
        if (!SingleObjectAvro.hasMarker(value) || value.length < SingleObjectAvro.HEADER_LENGTH) {
            return null;
        }
        long fingerprint =
                ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Function<byte[], SpecificRecord> decoder = KNOWN.get(fingerprint);
        return decoder == null ? null : decoder.apply(value);
    }

    /** A one-line readable rendering: Avro as JSON-like text, JSON as is, other bytes summarized. */
    public static String describe(byte[] value) {
        if (value == null) {
            return "null";
        }
        SpecificRecord avro = decodeAvro(value);
        if (avro != null) {
            return avro.getSchema().getName() + " " + abbreviateBytes(avro.toString());
        }
        if (value.length > 0 && (value[0] == '{' || value[0] == '[')) {
            return new String(value, StandardCharsets.UTF_8);
        }
        return value.length + " bytes, starting " + hex(value, 8);
    }

    private static String abbreviateBytes(String text) {
        // Avro renders bytes fields as long escaped strings; keep dead letters readable.
        return text.replaceAll("\"(key|value|image)\": \"([^\"]{0,40})[^\"]*\"", "\"$1\": \"$2...\"");
    }

    static String hex(byte[] bytes, int count) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(count, bytes.length); i++) {
            hex.append(String.format("%02X", bytes[i] & 0xff)).append(i + 1 < count ? " " : "");
        }
        return hex.toString().trim();
    }

    private interface Decode {
        SpecificRecord run() throws Exception;
    }

    private static SpecificRecord decode(Decode decode) {
        try {
            return decode.run();
        } catch (Exception e) {
            throw new IllegalArgumentException("value does not decode with its declared schema: " + e, e);
        }
    }
}
