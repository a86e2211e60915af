package io.inferstream.output;

import io.inferstream.avro.TickPrediction;
import io.inferstream.records.ForecastRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Writes a forecast as an Avro single-object encoded {@code TickPrediction} straight from the
 * record's fields, byte for byte what Avro's generic writer makes of {@link
 * RecordEncoder#toAvro(ForecastRecord)}: the generic path built a map, a list of boxed doubles
 * and a record per forecast and went through a thread-local buffer, and was a fifth of the tick
 * job's step task. It knows one version of the schema ({@link #WRITTEN_FOR}); for any other,
 * {@link #fits} is false and the generic path writes.
 */
final class TickPredictionWriter {
    /** The Parsing Canonical Form of the schema this writer writes, field by field in order. */
    static final String WRITTEN_FOR = "{\"name\":\"io.inferstream.avro.TickPrediction\",\"type\":\"record\","
            + "\"fields\":[{\"name\":\"key\",\"type\":\"string\"},{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"eventTime\",\"type\":\"long\"},{\"name\":\"step\",\"type\":\"long\"},"
            + "{\"name\":\"inputs\",\"type\":{\"type\":\"array\",\"items\":\"double\"}},"
            + "{\"name\":\"outputs\",\"type\":{\"type\":\"map\",\"values\":\"double\"}},"
            + "{\"name\":\"model\",\"type\":\"string\"},{\"name\":\"modelVersion\",\"type\":\"string\"},"
            + "{\"name\":\"predictedAt\",\"type\":\"long\"}]}";

    private static final Schema SCHEMA = TickPrediction.getClassSchema();
    /** Whether the generated class's schema is the one written here. */
    static final boolean SCHEMA_MATCHES =
            SchemaNormalization.toParsingForm(SCHEMA).equals(WRITTEN_FOR);
    /** Single-object encoding's marker C3 01, then the schema's CRC-64-AVRO fingerprint, little-endian. */
    private static final byte[] HEADER = header(SchemaNormalization.parsingFingerprint64(SCHEMA));

    /** What stays the same from one forecast to the next: model, version and output names, as UTF-8. */
    private record Constants(
            String model,
            String modelVersion,
            String[] outputNames,
            byte[] modelBytes,
            byte[] versionBytes,
            byte[][] names) {
        boolean of(ForecastRecord f) {
            return f.model == model && f.modelVersion == modelVersion && f.outputNames == outputNames;
        }
    }

    /** Shared by the task threads of a JVM: immutable, replaced whole when the model changes. */
    private static volatile Constants constants;

    private TickPredictionWriter() {}

    private static byte[] header(long fingerprint) {
        byte[] header = new byte[10];
        header[0] = (byte) 0xC3;
        header[1] = 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return header;
    }

    /**
     * Whether this writer writes {@code f} as the generic path would: the schema is the one it was
     * written for, and the output names are distinct (the generic path's map would merge twins).
     */
    static boolean fits(ForecastRecord f) {
        return SCHEMA_MATCHES && constantsOf(f) != null;
    }

    /** The encoded record; callers check {@link #fits} first. */
    static byte[] encode(ForecastRecord f) {
        Constants c = constantsOf(f);
        byte[] key = f.key.getBytes(StandardCharsets.UTF_8);
        byte[] id = f.id.getBytes(StandardCharsets.UTF_8);
        int inputs = f.inputs.length;
        int outputs = f.outputNames.length;
        int size = HEADER.length
                + stringSize(key)
                + stringSize(id)
                + longSize(f.eventTime)
                + longSize(f.step)
                + (inputs == 0 ? 1 : longSize(inputs) + 8 * inputs + 1)
                + stringSize(c.modelBytes)
                + stringSize(c.versionBytes)
                + longSize(f.predictedAt);
        if (outputs == 0) {
            size += 1;
        } else {
            size += longSize(outputs) + 1;
            for (byte[] name : c.names) {
                size += stringSize(name) + 8;
            }
        }
        byte[] out = new byte[size];
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        int pos = HEADER.length;
        pos = putString(out, pos, key);
        pos = putString(out, pos, id);
        pos = putLong(out, pos, f.eventTime);
        pos = putLong(out, pos, f.step);
        // Arrays and maps: a block of n items, then the empty block that ends them.
        if (inputs > 0) {
            pos = putLong(out, pos, inputs);
            for (double v : f.inputs) {
                pos = putDouble(out, pos, v);
            }
        }
        out[pos++] = 0;
        if (outputs > 0) {
            pos = putLong(out, pos, outputs);
            for (int i = 0; i < outputs; i++) {
                pos = putString(out, pos, c.names[i]);
                pos = putDouble(out, pos, f.outputs[i]);
            }
        }
        out[pos++] = 0;
        pos = putString(out, pos, c.modelBytes);
        pos = putString(out, pos, c.versionBytes);
        pos = putLong(out, pos, f.predictedAt);
        if (pos != size) {
            throw new IllegalStateException("wrote " + pos + " bytes of a TickPrediction sized " + size);
        }
        return out;
    }

    /** The forecast's constants, made once per model; null when its output names repeat. */
    private static Constants constantsOf(ForecastRecord f) {
        Constants c = constants;
        if (c != null && c.of(f)) {
            return c;
        }
        if (new HashSet<>(Arrays.asList(f.outputNames)).size() != f.outputNames.length) {
            return null;
        }
        byte[][] names = new byte[f.outputNames.length][];
        for (int i = 0; i < names.length; i++) {
            names[i] = f.outputNames[i].getBytes(StandardCharsets.UTF_8);
        }
        c = new Constants(
                f.model,
                f.modelVersion,
                f.outputNames,
                f.model.getBytes(StandardCharsets.UTF_8),
                f.modelVersion.getBytes(StandardCharsets.UTF_8),
                names);
        constants = c;
        return c;
    }

    private static int stringSize(byte[] utf8) {
        return longSize(utf8.length) + utf8.length;
    }

    /** Bytes of Avro's zig-zag variable-length long. */
    private static int longSize(long n) {
        long z = (n << 1) ^ (n >> 63);
        int size = 1;
        while ((z & ~0x7FL) != 0) {
            z >>>= 7;
            size++;
        }
        return size;
    }

    private static int putLong(byte[] out, int pos, long n) {
        long z = (n << 1) ^ (n >> 63);
        while ((z & ~0x7FL) != 0) {
            out[pos++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out[pos++] = (byte) z;
        return pos;
    }

    private static int putString(byte[] out, int pos, byte[] utf8) {
        pos = putLong(out, pos, utf8.length);
        System.arraycopy(utf8, 0, out, pos, utf8.length);
        return pos + utf8.length;
    }

    private static int putDouble(byte[] out, int pos, double v) {
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            out[pos++] = (byte) (bits >>> (8 * i));
        }
        return pos;
    }
}
