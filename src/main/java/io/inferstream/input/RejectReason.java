package io.inferstream.input;

/** Why an input record went to the dead-letter topic instead of producing a prediction. */
public enum RejectReason {
    /** The record had no value, or an empty one. */
    EMPTY_VALUE,
    /** The value is larger than the configured byte limit. */
    VALUE_TOO_LARGE,
    /** Not an image format the JVM reads, or a damaged or truncated image. */
    UNDECODABLE_IMAGE,
    /** The image header declares more pixels than the configured limit. */
    IMAGE_TOO_LARGE,
    /** Avro single-object encoding with a schema fingerprint the job does not know. */
    UNKNOWN_SCHEMA,
    /** Avro single-object encoding that does not decode with the known schema. */
    BAD_AVRO,
    /** A header the job reads (event id, event time) holds an unusable value. */
    BAD_HEADER,
    /** A tick that is not valid JSON or lacks a field (ts, values). */
    BAD_TICK,
    /** A tick with no key in its body nor in the Kafka record key. */
    MISSING_KEY,
    /** A tick value that is NaN or infinite. */
    NOT_FINITE,
    /** A tick with another number of features than the model's input width. */
    WRONG_WIDTH,
    /** A value of zero or below where the log-return transform needs a positive one. */
    NON_POSITIVE_VALUE,
    /** A tick behind the watermark: later than the allowed out-of-orderness. */
    LATE,
    /** A second tick of the same key with the same timestamp. */
    DUPLICATE_TIMESTAMP,
    /**
     * A tick further ahead than order.max-future-ms of the wall clock, or of its partition's
     * newest tick: a unit mistake (microseconds, nanoseconds) or a clock error that would
     * otherwise move the watermark past every later tick.
     */
    FUTURE_TIMESTAMP,
    /** A finite tick value that no longer fits a 32-bit float once standardized for the model. */
    OUT_OF_RANGE,
    /** A Kafka record key, used as the series key, that is not valid UTF-8. */
    INVALID_KEY,
    /** A record key, series key, image source or event id longer than limits.max-key-bytes. */
    KEY_TOO_LARGE,
    /** A step of the job failed on this record in a way no check foresaw; the error names the exception. */
    INTERNAL_ERROR,
    /** A field the input mapping names (input.*-field) is absent from the record; the error names its path. */
    MISSING_FIELD,
    /** A mapped field holds a value of the wrong type (text for a number, an object for a key); the error names its path. */
    WRONG_FIELD_TYPE
}
