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
            + "{\"name\":\"predictedAt\",\"type\":\"long\"},"
            + "{\"name\":\"lower\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"double\"}]},"
            + "{\"name\":\"upper\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"double\"}]},"
            + "{\"name\":\"horizon\",\"type\":{\"type\":\"array\",\"items\":{\"name\":"
            + "\"io.inferstream.avro.HorizonForecast\",\"type\":\"record\",\"fields\":["
            + "{\"name\":\"ahead\",\"type\":\"int\"},{\"name\":\"targetTime\",\"type\":[\"null\",\"long\"]},"
            + "{\"name\":\"outputs\",\"type\":{\"type\":\"map\",\"values\":\"double\"}},"
            + "{\"name\":\"lower\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"double\"}]},"
            + "{\"name\":\"upper\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"double\"}]}]}}},"
            + "{\"name\":\"anomalyScore\",\"type\":[\"null\",\"double\"]},"
            + "{\"name\":\"anomaly\",\"type\":\"boolean\"}]}";

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
        int width = f.outputNames.length;
        Out out = new Out(96 + 8 * f.inputs.length + 24 * width * (f.horizon == null ? 3 : 3 * f.horizon.length));
        out.bytes(HEADER);
        out.string(f.key.getBytes(StandardCharsets.UTF_8));
        out.string(f.id.getBytes(StandardCharsets.UTF_8));
        out.varLong(f.eventTime);
        out.varLong(f.step);
        // Arrays and maps: a block of n items, then the empty block that ends them.
        if (f.inputs.length > 0) {
            out.varLong(f.inputs.length);
            for (double v : f.inputs) {
                out.doubleValue(v);
            }
        }
        out.varLong(0);
        named(out, c, f.outputs, 0);
        out.string(c.modelBytes);
        out.string(c.versionBytes);
        out.varLong(f.predictedAt);
        optionalNamed(out, c, f.lower, 0);
        optionalNamed(out, c, f.upper, 0);
        int steps = f.horizon == null || width == 0 ? 0 : f.horizon.length / width;
        if (steps > 0) {
            out.varLong(steps);
            for (int h = 0; h < steps; h++) {
                out.varLong(h + 1);
                if (f.targetTimes == null) {
                    out.varLong(0);
                } else {
                    out.varLong(1);
                    out.varLong(f.targetTimes[h]);
                }
                named(out, c, f.horizon, h * width);
                optionalNamed(out, c, f.lower, h * width);
                optionalNamed(out, c, f.upper, h * width);
            }
        }
        out.varLong(0);
        if (Double.isNaN(f.anomalyScore)) {
            out.varLong(0);
        } else {
            out.varLong(1);
            out.doubleValue(f.anomalyScore);
        }
        out.bytes(new byte[] {(byte) (f.anomaly ? 1 : 0)});
        return out.toArray();
    }

    /** A map of the output names to {@code values[from..from+O)}. */
    private static void named(Out out, Constants c, double[] values, int from) {
        if (c.names.length > 0) {
            out.varLong(c.names.length);
            for (int i = 0; i < c.names.length; i++) {
                out.string(c.names[i]);
                out.doubleValue(values[from + i]);
            }
        }
        out.varLong(0);
    }

    /** The union of null and such a map: null where the values are absent or not known yet (NaN). */
    private static void optionalNamed(Out out, Constants c, double[] values, int from) {
        if (values == null || Double.isNaN(values[from])) {
            out.varLong(0);
        } else {
            out.varLong(1);
            named(out, c, values, from);
        }
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

    /** Avro's binary encoding into one growing array. */
    private static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        void bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        /** Avro's zig-zag variable-length long (ints are written alike). */
        void varLong(long n) {
            room(10);
            long z = (n << 1) ^ (n >> 63);
            while ((z & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            buf[pos++] = (byte) z;
        }

        void string(byte[] utf8) {
            varLong(utf8.length);
            bytes(utf8);
        }

        void doubleValue(double v) {
            room(8);
            long bits = Double.doubleToRawLongBits(v);
            for (int i = 0; i < 8; i++) {
                buf[pos++] = (byte) (bits >>> (8 * i));
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, pos);
        }
    }
}
