package io.inferstream.input;

/**
 * Refuses keys and ids over {@code limits.max-key-bytes}: each is repeated in every output of
 * its record, and a series key is the key of keyed state, where an oversized one would be
 * written again at every checkpoint and read again at every restore.
 */
public final class KeySizes {

    private KeySizes() {}

    /** Refuses {@code bytes} (null passes) longer than {@code maxBytes}. */
    public static void check(byte[] bytes, String what, int maxBytes) throws RejectedInputException {
        if (bytes != null && bytes.length > maxBytes) {
            throw tooLarge(what, bytes.length, maxBytes);
        }
    }

    /** Refuses {@code text} (null passes) whose UTF-8 encoding is longer than {@code maxBytes}. */
    public static void check(String text, String what, int maxBytes) throws RejectedInputException {
        if (text == null || text.length() <= maxBytes / 3) {
            return; // no char takes more than 3 bytes in UTF-8 (a surrogate pair takes 4 for 2 chars)
        }
        long bytes = utf8Length(text);
        if (bytes > maxBytes) {
            throw tooLarge(what, bytes, maxBytes);
        }
    }

    /** The length of the UTF-8 encoding of {@code text}, without encoding it. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static RejectedInputException tooLarge(String what, long bytes, int maxBytes) {
        return new RejectedInputException(
                RejectReason.KEY_TOO_LARGE,
                what + " is " + bytes + " bytes; the limit (limits.max-key-bytes) is " + maxBytes);
    }
}
