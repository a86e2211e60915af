package io.inferstream.records;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An input the job could not use, with its original bytes and coordinates and the reason. Key and
 * value copies longer than the job's bounds are truncated; the original's length and SHA-256
 * then travel with them, so the dead letter still fits the dead-letter topic and identifies the
 * original.
 */
public class DeadLetterRecord {
    /** Longer error texts are cut: some quote the input they refuse. */
    public static final int MAX_ERROR_CHARS = 2000;

    public String job;
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;
    public long recordTimestamp;
    public String reason;
    public String error;
    public long failedAt;
    /** The original key's length when {@link #key} holds only its first bytes; else null. */
    public Integer keyLength;
    /** Hex SHA-256 of the whole original key when {@link #key} is truncated; else null. */
    public String keySha256;
    /** The original value's length when {@link #value} holds only its first bytes; else null. */
    public Integer valueLength;
    /** Hex SHA-256 of the whole original value when {@link #value} is truncated; else null. */
    public String valueSha256;

    public DeadLetterRecord() {}

    /**
     * A dead letter for an input record and why it was refused ({@code reason}, a RejectReason's
     * name, and the readable {@code error}), with at most {@code maxKeyCopy} bytes of its key and
     * {@code maxValueCopy} bytes of its value.
     */
    public static DeadLetterRecord of(
            String job, KafkaInput input, String reason, String error, int maxKeyCopy, int maxValueCopy) {
        DeadLetterRecord d = new DeadLetterRecord();
        d.job = job;
        d.topic = input.topic;
        d.partition = input.partition;
        d.offset = input.offset;
        d.key = input.key;
        if (input.key != null && input.key.length > maxKeyCopy) {
            d.key = Arrays.copyOf(input.key, maxKeyCopy);
            d.keyLength = input.key.length;
            d.keySha256 = sha256(input.key);
        }
        d.value = input.value;
        if (input.value != null && input.value.length > maxValueCopy) {
            d.value = Arrays.copyOf(input.value, maxValueCopy);
            d.valueLength = input.value.length;
            d.valueSha256 = sha256(input.value);
        }
        d.recordTimestamp = input.timestamp;
        d.reason = reason;
        d.error = truncate(String.valueOf(error));
        d.failedAt = System.currentTimeMillis();
        return d;
    }

    /** Hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String truncate(String error) {
        if (error.length() <= MAX_ERROR_CHARS) {
            return error;
        }
        String suffix = "... (" + error.length() + " chars in all)";
        int cut = MAX_ERROR_CHARS - suffix.length();
        if (Character.isHighSurrogate(error.charAt(cut - 1))) {
            cut--; // never half a surrogate pair: a JSON writer refuses it
        }
        return error.substring(0, cut) + suffix;
    }
}
