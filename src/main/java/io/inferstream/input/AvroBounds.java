package io.inferstream.input;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks Avro binary data against its schema without allocating anything for it, and refuses
 * every length or item count the remaining bytes cannot hold. Avro's own decoder trusts them up
 * to its JVM-wide limits (2^31-9 by default, in {@code SystemLimitException}), so 37 bytes that
 * claim 2^31-9 array items make it allocate an array of that size, and a huge string length
 * allocates the string's buffer before the end of the input is noticed. After this check passes,
 * decoding allocates at most a small multiple of the input's length.
 */
public final class AvroBounds {
    /** Deeper than any schema we read; stops a recursive schema from overflowing the stack. */
    static final int MAX_DEPTH = 64;

    private final byte[] data;
    private final int end;
    private final Map<Schema, Integer> minimumSizes = new IdentityHashMap<>();
    private int position;

    private AvroBounds(byte[] data, int offset) {
        this.data = data;
        this.position = offset;
        this.end = data.length;
    }

    /**
     * Checks that {@code data} from {@code offset} on is a well-bounded encoding of {@code
     * schema}: every length and count fits in the bytes left, every union branch and enum
     * symbol exists, and every varint is well formed.
     */
    public static void check(byte[] data, int offset, Schema schema) throws RejectedInputException {
        new AvroBounds(data, offset).skip(schema, 0);
    }

    private void skip(Schema schema, int depth) throws RejectedInputException {
        if (depth > MAX_DEPTH) {
            throw refuse("values nest more than " + MAX_DEPTH + " levels deep");
        }
        switch (schema.getType()) {
            case NULL:
                return;
            case BOOLEAN:
                advance(1, "boolean");
                return;
            case INT:
                readInt("int");
                return;
            case LONG:
                readLong("long");
                return;
            case FLOAT:
                advance(4, "float");
                return;
            case DOUBLE:
                advance(8, "double");
                return;
            case STRING:
            case BYTES:
                skipLengthPrefixed(schema.getType().getName());
                return;
            case FIXED:
                advance(schema.getFixedSize(), "fixed " + schema.getFullName());
                return;
            case ENUM:
                index(schema.getEnumSymbols().size(), "enum " + schema.getFullName() + " symbol");
                return;
            case UNION:
                List<Schema> branches = schema.getTypes();
                skip(branches.get(index(branches.size(), "union branch")), depth + 1);
                return;
            case ARRAY:
                skipBlocks(schema.getElementType(), null, depth);
                return;
            case MAP:
                skipBlocks(schema.getValueType(), Schema.create(Schema.Type.STRING), depth);
                return;
            case RECORD:
                for (Schema.Field field : schema.getFields()) {
                    skip(field.schema(), depth + 1);
                }
                return;
            default:
                throw new IllegalArgumentException("unknown Avro type " + schema.getType());
        }
    }

    /** Array items or map entries, in blocks: a count, or a negative count and the block's byte size. */
    private void skipBlocks(Schema items, Schema keys, int depth) throws RejectedInputException {
        String what = keys == null ? "array" : "map";
        long itemSize = Math.max(1, minimumSize(items) + (keys == null ? 0 : minimumSize(keys)));
        while (true) {
            int blockStart = position;
            long count = readLong(what + " block count");
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw refuse(what + " block count " + count + " at byte " + blockStart + " is out of range");
                }
                count = -count;
                long size = readLong(what + " block size");
                if (size < 0 || size > remaining()) {
                    throw refuse(what + " block of " + size + " bytes at byte " + blockStart + "; only " + remaining()
                            + " bytes remain");
                }
            }
            if (count > remaining() / itemSize) {
                throw refuse(what + " block count " + count + " at byte " + blockStart + " needs at least " + itemSize
                        + " bytes per item; only " + remaining() + " bytes remain");
            }
            for (long i = 0; i < count; i++) {
                if (keys != null) {
                    skip(keys, depth + 1);
                }
                skip(items, depth + 1);
            }
        }
    }

    /** The fewest bytes a value of the schema can take; recursion counts as zero. */
    private int minimumSize(Schema schema) {
        Integer known = minimumSizes.get(schema);
        if (known != null) {
            return known;
        }
        minimumSizes.put(schema, 0);
        long size;
        switch (schema.getType()) {
            case NULL:
                size = 0;
                break;
            case FLOAT:
                size = 4;
                break;
            case DOUBLE:
                size = 8;
                break;
            case FIXED:
                size = schema.getFixedSize();
                break;
            case UNION:
                long smallest = Integer.MAX_VALUE;
                for (Schema branch : schema.getTypes()) {
                    smallest = Math.min(smallest, minimumSize(branch));
                }
                size = 1 + smallest;
                break;
            case RECORD:
                size = 0;
                for (Schema.Field field : schema.getFields()) {
                    size += minimumSize(field.schema());
                }
                break;
            default: // boolean, int, long, string, bytes, enum, array, map: at least one byte
                size = 1;
        }
        int result = (int) Math.min(Integer.MAX_VALUE, size);
        minimumSizes.put(schema, result);
        return result;
    }

    private void skipLengthPrefixed(String what) throws RejectedInputException {
        int start = position;
        long length = readLong(what + " length");
        if (length < 0 || length > remaining()) {
            throw refuse(what + " length " + length + " at byte " + start + "; only " + remaining() + " bytes remain");
        }
        position += (int) length;
    }

    private int index(int size, String what) throws RejectedInputException {
        int start = position;
        int index = readInt(what);
        if (index < 0 || index >= size) {
            throw refuse(what + " " + index + " at byte " + start + "; expected 0 to " + (size - 1));
        }
        return index;
    }

    private void advance(int bytes, String what) throws RejectedInputException {
        if (bytes > remaining()) {
            throw refuse(what + " at byte " + position + " needs " + bytes + " bytes; only " + remaining() + " remain");
        }
        position += bytes;
    }

    private int readInt(String what) throws RejectedInputException {
        int start = position;
        long value = readVarint(5, what);
        long decoded = (value >>> 1) ^ -(value & 1);
        if (value >>> 32 != 0) {
            throw refuse(what + " at byte " + start + " is not a valid int varint");
        }
        return (int) decoded;
    }

    private long readLong(String what) throws RejectedInputException {
        long value = readVarint(10, what);
        return (value >>> 1) ^ -(value & 1);
    }

    /** A zig-zag varint's raw bits, at most {@code maxBytes} long. */
    private long readVarint(int maxBytes, String what) throws RejectedInputException {
        int start = position;
        long value = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (position >= end) {
                throw refuse(what + " at byte " + start + " is cut off by the end of the record");
            }
            int b = data[position++] & 0xff;
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw refuse(what + " at byte " + start + " is longer than " + maxBytes + " bytes");
    }

    private long remaining() {
        return end - position;
    }

    private static RejectedInputException refuse(String detail) {
        return new RejectedInputException(RejectReason.BAD_AVRO, "Avro data is not well bounded: " + detail);
    }
}
