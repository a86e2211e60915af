package io.inferstream.flink;

import io.inferstream.config.StreamJobSettings;
import io.inferstream.input.RejectedInputException;
import io.inferstream.output.DeadLetterSizes;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.KafkaInput;
import java.io.Serializable;

/**
 * Makes a job's dead letters, their copies of the original key and value bounded so that every
 * dead letter fits {@code output.max-record-bytes}. Built where the job is wired, so a limit
 * that leaves no room fails at start-up.
 */
final class DeadLetters implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String jobName;
    private final int maxKeyCopy;
    private final int maxValueCopy;

    DeadLetters(StreamJobSettings s) {
        this.jobName = s.jobName;
        this.maxKeyCopy = s.maxKeyBytes;
        this.maxValueCopy = DeadLetterSizes.valueCopyBytes(s);
    }

    DeadLetterRecord of(KafkaInput input, RejectedInputException e) {
        return DeadLetterRecord.of(jobName, input, e.reason().name(), e.getMessage(), maxKeyCopy, maxValueCopy);
    }
}
