package io.inferstream.output;

import io.inferstream.config.ConfigException;
import io.inferstream.config.OutputFormat;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.records.DeadLetterRecord;

/**
 * How many bytes of an original value a dead letter may copy so that the whole dead-letter record
 * (its Kafka key, the key's copy, the value's copy, the error and the rest) stays within {@code
 * output.max-record-bytes}, counted for the worst case of each field in the output format.
 */
public final class DeadLetterSizes {
    /**
     * Field names, punctuation, numbers, the reason, two SHA-256 digests and Avro's varints and
     * header together take well under this.
     */
    static final int FIXED_BYTES = 1024;
    /** Kafka refuses longer topic names, whose characters JSON writes as they are. */
    static final int MAX_TOPIC_CHARS = 249;

    private DeadLetterSizes() {}

    /** The value-copy budget for these settings; fails, naming the keys, if nothing would fit. */
    public static int valueCopyBytes(StreamJobSettings s) {
        long budget = valueCopyBytes(s.maxRecordBytes, s.maxKeyBytes, s.outputFormat, s.jobName);
        // Less than this and a dead letter would say little about what it refused.
        long least = 4096;
        if (budget < least) {
            long needed = s.maxRecordBytes - budget + least;
            throw ConfigException.of(
                    "output.max-record-bytes",
                    s.maxRecordBytes,
                    "at least " + needed + " for a " + s.outputFormat.name().toLowerCase()
                            + " dead letter with limits.max-key-bytes = " + s.maxKeyBytes
                            + " and a 4096-byte copy of the value (or a smaller limits.max-key-bytes)");
        }
        return (int) budget;
    }

    static long valueCopyBytes(int maxRecordBytes, int keyCopyBytes, OutputFormat format, String jobName) {
        int errorChars = DeadLetterRecord.MAX_ERROR_CHARS;
        if (format == OutputFormat.AVRO) {
            // Raw bytes; UTF-8 takes at most 3 bytes per char. The key is the Kafka key and a field.
            long fixed = FIXED_BYTES + 3L * jobName.length() + MAX_TOPIC_CHARS + 3L * errorChars;
            return maxRecordBytes - fixed - 2L * keyCopyBytes;
        }
        // JSON escapes a control character as \\u00XX: 6 bytes; copies are base64, 4 bytes per 3.
        long fixed = FIXED_BYTES + 6L * jobName.length() + MAX_TOPIC_CHARS + 6L * errorChars;
        long left = maxRecordBytes - fixed - keyCopyBytes - base64Length(keyCopyBytes);
        return left < 0 ? left : left / 4 * 3;
    }

    static long base64Length(long bytes) {
        return (bytes + 2) / 3 * 4;
    }
}
