package io.inferstream.input;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Recognizes and decodes Avro single-object encoding: the marker C3 01, the schema's 8-byte
 * CRC-64-AVRO fingerprint (little-endian), then the Avro binary body.
 */
public final class SingleObjectAvro {
    public static final int HEADER_LENGTH = 10;

    private SingleObjectAvro() {}

    /** Whether the value starts with the single-object marker C3 01. */
    public static boolean hasMarker(byte[] value) {
        return value != null && value.length >= 2 && (value[0] & 0xff) == 0xC3 && (value[1] & 0xff) == 0x01;
    }

    /** The fingerprint that a writer of this schema puts after the marker. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * Decodes a value that has the marker, rejecting unknown fingerprints and broken bodies;
     * lengths and counts are checked against the value's size first ({@link AvroBounds}).
     */
    public static <T> T decode(byte[] value, Schema schema, BinaryMessageDecoder<T> decoder)
            throws RejectedInputException {
        if (value.length < HEADER_LENGTH) {
            throw new RejectedInputException(
                    RejectReason.BAD_AVRO,
                    "Avro single-object header is " + value.length + " bytes; expected at least " + HEADER_LENGTH);
        }
        long actual =
                ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long expected = fingerprint(schema);
        if (actual != expected) {
            throw new RejectedInputException(
                    RejectReason.UNKNOWN_SCHEMA,
                    String.format(
                            "Avro schema fingerprint %016x is unknown; expected %s (%016x)",
                            actual, schema.getFullName(), expected));
        }
        // Before Avro allocates anything for lengths and counts the record cannot hold.
        AvroBounds.check(value, HEADER_LENGTH, schema);
        try {
            return decoder.decode(value);
        } catch (Exception e) {
            throw new RejectedInputException(
                    RejectReason.BAD_AVRO, "value does not decode as " + schema.getFullName() + ": " + e, e);
        }
    }
}
