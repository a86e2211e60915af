package io.inferstream.testing;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/**
 * Seeded random damage to valid records, for fuzz tests: bit flips, truncations, bytes cut out
 * or repeated, and length or count fields overwritten with huge, negative or off-by-one varints.
 */
public final class Mutations {
    private static final long[] LENGTHS = {(1L << 31) - 9, 1L << 30, -1, -(1L << 31), Long.MAX_VALUE, 255, 1L << 20};

    private Mutations() {}

    /** One to three mutations of {@code original}; bytes before {@code keep} stay as they are. */
    public static byte[] mutate(byte[] original, int keep, Random random) {
        byte[] bytes = original.clone();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count && bytes.length > keep; i++) {
            bytes = once(bytes, keep, random);
        }
        return bytes;
    }

    private static byte[] once(byte[] bytes, int keep, Random random) {
        int at = keep + random.nextInt(bytes.length - keep);
        switch (random.nextInt(5)) {
            case 0: // bit flip
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                return bytes;
            case 1: // truncation
                return Arrays.copyOf(bytes, at);
            case 2: // a run of bytes cut out
                int cut = Math.min(bytes.length - at, 1 + random.nextInt(16));
                byte[] shorter = new byte[bytes.length - cut];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + cut, shorter, at, bytes.length - at - cut);
                return shorter;
            case 3: // a run of bytes repeated
                int run = Math.min(bytes.length - at, 1 + random.nextInt(16));
                ByteArrayOutputStream longer = new ByteArrayOutputStream();
                longer.write(bytes, 0, at + run);
                longer.write(bytes, at, bytes.length - at);
                return longer.toByteArray();
            default: // a length or count field overwritten by a varint
                ByteArrayOutputStream edited = new ByteArrayOutputStream();
                edited.write(bytes, 0, at);
                long value = LENGTHS[random.nextInt(LENGTHS.length)];
                long zigzag = (value << 1) ^ (value >> 63);
                while ((zigzag & ~0x7FL) != 0) {
                    edited.write((int) ((zigzag & 0x7F) | 0x80));
                    zigzag >>>= 7;
                }
                edited.write((int) zigzag);
                int skip = Math.min(bytes.length - at, 1 + random.nextInt(5));
                edited.write(bytes, at + skip, bytes.length - at - skip);
                return edited.toByteArray();
        }
    }
}
