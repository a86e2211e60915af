package io.inferstream.records;

import io.inferstream.input.RejectedInputException;

/** An input the job could not use, with its original bytes and coordinates and the reason. */
public class DeadLetterRecord {
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

    public DeadLetterRecord() {}

    /** A dead letter for an input record and the rejection that stopped it. */
    public static DeadLetterRecord of(String job, KafkaInput input, RejectedInputException e) {
        DeadLetterRecord d = new DeadLetterRecord();
        d.job = job;
        d.topic = input.topic;
        d.partition = input.partition;
        d.offset = input.offset;
        d.key = input.key;
        d.value = input.value;
        d.recordTimestamp = input.timestamp;
        d.reason = e.reason().name();
        d.error = e.getMessage();
        d.failedAt = System.currentTimeMillis();
        return d;
    }
}
