package io.inferstream.flink;

import io.inferstream.config.OutputFormat;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.output.RecordEncoder;
import io.inferstream.records.DeadLetterRecord;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/** What a job topology produces: its predictions and the dead letters of the inputs it refused. */
public final class JobOutputs<T> {
    public final DataStream<T> predictions;
    public final DataStream<DeadLetterRecord> deadLetters;

    JobOutputs(DataStream<T> predictions, DataStream<DeadLetterRecord> deadLetters) {
        this.predictions = predictions;
        this.deadLetters = deadLetters;
    }

    /**
     * Writes predictions to the output topic and dead letters to the dead-letter topic, in the
     * configured format; the sinks' uids are {@code <uidPrefix>-predictions-sink} and
     * {@code <uidPrefix>-dlq-sink}, stable so savepoints keep their transactions.
     */
    void sinkToKafka(
            StreamJobSettings s,
            String uidPrefix,
            SerializableFunction<T, byte[]> key,
            SerializableFunction<T, byte[]> value) {
        OutputFormat format = s.outputFormat;
        predictions
                .sinkTo(KafkaIO.sink(s, s.outputTopic, key, value))
                .name("kafka: " + s.outputTopic)
                .uid(uidPrefix + "-predictions-sink");
        deadLetters
                .sinkTo(KafkaIO.<DeadLetterRecord>sink(
                        s, s.deadLetterTopic, d -> d.key, d -> RecordEncoder.encode(d, format)))
                .name("kafka: " + s.deadLetterTopic)
                .uid(uidPrefix + "-dlq-sink");
    }
}
