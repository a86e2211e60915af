package io.inferstream.records;

import java.util.Arrays;

/** A Kafka record as the jobs receive it: bytes plus where it came from, so nothing is lost. */
public class KafkaInput {
    /** Header with the event id to carry to the prediction. */
    public static final String EVENT_ID_HEADER = "event-id";
    /** Header with the event time, epoch milliseconds or ISO-8601. */
    public static final String EVENT_TIME_HEADER = "event-time";

    public String topic;
    public int partition;
    public long offset;
    public long timestamp;
    public byte[] key;
    public byte[] value;
    /** Value of the event-id header, or null. */
    public String eventIdHeader;
    /** Value of the event-time header as sent, or null. */
    public String eventTimeHeader;

    public KafkaInput() {}

    public KafkaInput(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    /** The id used when the input names none: topic-partition-offset, unique per record. */
    public String coordinates() {
        return topic + "-" + partition + "-" + offset;
    }

    @Override
    public String toString() {
        return "KafkaInput{" + coordinates() + ", key=" + Arrays.toString(key) + ", value="
                + (value == null ? "null" : value.length + " bytes") + "}";
    }
}
