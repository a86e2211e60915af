package io.inferstream.testing;

import io.inferstream.avro.Tick;
import io.inferstream.input.SingleObjectAvro;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;

/**
 * Small Avro records whose lengths or counts claim far more than they hold: before bounded
 * decoding, each made the job allocate gigabytes.
 */
public final class AvroBombs {
    /** Integer.MAX_VALUE - 8: Avro's own default limit, which it lets through. */
    public static final long HUGE = (1L << 31) - 9;

    private AvroBombs() {}

    /** A 37-byte Tick whose values array claims 2^31-9 items. */
    public static byte[] hugeArrayTick() {
        ByteArrayOutputStream out = header(Tick.getClassSchema());
        writeLong(out, 0); // key: null
        writeLong(out, 1_700_000_000_000L); // ts
        writeLong(out, HUGE); // values: block count
        out.write(new byte[37 - out.size()], 0, 37 - out.size());
        return out.toByteArray();
    }

    /** A Tick whose key claims 2^31-9 bytes. */
    public static byte[] hugeStringTick() {
        ByteArrayOutputStream out = header(Tick.getClassSchema());
        writeLong(out, 1); // key: the string branch
        writeLong(out, HUGE); // its length
        out.write(new byte[20], 0, 20);
        return out.toByteArray();
    }

    /**
     * An ImageEvent (encoded with id, source, eventTime and contentType null) whose image claims
     * {@code length} bytes.
     */
    public static byte[] imageLengthLie(byte[] event, long length) {
        int at = SingleObjectAvro.HEADER_LENGTH + 4; // four null unions, one byte each
        int end = at;
        while ((event[end] & 0x80) != 0) {
            end++;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(event, 0, at);
        writeLong(out, length);
        out.write(event, end + 1, event.length - end - 1);
        return out.toByteArray();
    }

    /** The single-object header of {@code schema}: marker and fingerprint. */
    public static ByteArrayOutputStream header(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        byte[] fingerprint = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SingleObjectAvro.fingerprint(schema))
                .array();
        out.write(fingerprint, 0, 8);
        return out;
    }

    /** Avro's zig-zag varint encoding of a long. */
    public static void writeLong(ByteArrayOutputStream out, long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
    }
}
