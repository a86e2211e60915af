package io.inferstream.testing;

import io.inferstream.avro.DeadLetter;
import io.inferstream.output.RecordDecoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a job wrote to its output and dead-letter topics, decoded from Avro: its predictions and its
 * dead letters apart, each in the order read.
 */
public record JobOutput<P>(List<P> predictions, List<DeadLetter> deadLetters) {

    /** Decodes {@code records}; a record that is neither a {@code predictionType} nor a dead letter fails. */
    public static <P> JobOutput<P> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<P> predictionType) {
        List<P> predictions = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Object value = RecordDecoder.decodeAvro(record.value());
            if (predictionType.isInstance(value)) {
                predictions.add(predictionType.cast(value));
            } else if (value instanceof DeadLetter d) {
                deadLetters.add(d);
            } else {
                throw new AssertionError(
                        "unexpected record on " + record.topic() + ": " + RecordDecoder.describe(record.value()));
            }
        }
        return new JobOutput<>(predictions, deadLetters);
    }

    /** Predictions and dead letters together: every input the job accounted for. */
    public int size() {
        return predictions.size() + deadLetters.size();
    }
}
