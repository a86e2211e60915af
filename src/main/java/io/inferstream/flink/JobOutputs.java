package io.inferstream.flink;

import io.inferstream.config.ModelUpdateSettings;
import io.inferstream.config.OutputFormat;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.kafka.InstanceId;
import io.inferstream.output.RecordEncoder;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ModelStatusRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/**
 * What a job topology produces: its predictions, the dead letters of the inputs it refused and,
 * with live model updates, what each instance did with each update.
 */
public final class JobOutputs<T> {
    public final DataStream<T> predictions;
    public final DataStream<DeadLetterRecord> deadLetters;
    /** Null without live model updates. */
    public final DataStream<ModelStatusRecord> modelStatus;
    /** The predictions of anomalous inputs, again, for an alerts topic; null where a job has none. */
    public final DataStream<T> alerts;

    JobOutputs(
            DataStream<T> predictions,
            DataStream<DeadLetterRecord> deadLetters,
            DataStream<ModelStatusRecord> modelStatus) {
        this(predictions, deadLetters, modelStatus, null);
    }

    JobOutputs(
            DataStream<T> predictions,
            DataStream<DeadLetterRecord> deadLetters,
            DataStream<ModelStatusRecord> modelStatus,
            DataStream<T> alerts) {
        this.predictions = predictions;
        this.deadLetters = deadLetters;
        this.modelStatus = modelStatus;
        this.alerts = alerts;
    }

    /** One prediction per input that was served. */
    public DataStream<T> getPredictions() {
        return predictions;
    }

    /** The inputs refused, each with its reason and error: the dead-letter side output. */
    public DataStream<DeadLetterRecord> getDeadLetters() {
        return deadLetters;
    }

    /**
     * The forecasts flagged anomalous, again, for an alerts topic (see {@code topics.alerts});
     * null from a transformation that has none.
     */
    public DataStream<T> getAlerts() {
        return alerts;
    }

    /** What each instance did with each model update; null without live model updates. */
    public DataStream<ModelStatusRecord> getModelStatus() {
        return modelStatus;
    }

    /**
     * Writes predictions to the output topic and dead letters to the dead-letter topic, in the
     * configured format; the sinks' uids are {@code <uidPrefix>-predictions-sink} and
     * {@code <uidPrefix>-dlq-sink}, stable so savepoints keep their transactions; model status
     * records, if any, go to the model-updates status topic. With fence.enabled the job is a new
     * instance that fences older ones ({@link InstanceFence}).
     */
    void sinkToKafka(
            StreamJobSettings s,
            ModelUpdateSettings modelUpdates,
            String uidPrefix,
            SerializableFunction<T, byte[]> key,
            SerializableFunction<T, byte[]> value) {
        OutputFormat format = s.outputFormat;
        // Built once per submission: a failover restart keeps this instance id, a new submission does not.
        InstanceFence.attach(predictions, s, uidPrefix, InstanceId.create());
        predictions
                .sinkTo(KafkaIO.sink(s, s.outputTopic, key, value))
                .name("kafka: " + s.outputTopic)
                .uid(uidPrefix + "-predictions-sink");
        deadLetters
                .sinkTo(KafkaIO.<DeadLetterRecord>sink(
                        s, s.deadLetterTopic, d -> d.key, d -> RecordEncoder.encode(d, format)))
                .name("kafka: " + s.deadLetterTopic)
                .uid(uidPrefix + "-dlq-sink");
        if (modelStatus != null) {
            String topic = modelUpdates.statusTopic;
            modelStatus
                    .sinkTo(KafkaIO.<ModelStatusRecord>sink(
                            s,
                            topic,
                            m -> m.job.getBytes(StandardCharsets.UTF_8),
                            m -> RecordEncoder.encode(m, format)))
                    .name("kafka: " + topic)
                    .uid(uidPrefix + "-model-status-sink");
        }
    }

    /**
     * Writes the alerts, if the job has any, to {@code topic} like the predictions (same format,
     * same delivery: exactly once by default); sink uid {@code <uidPrefix>-alerts-sink}.
     */
    void sinkAlertsToKafka(
            StreamJobSettings s,
            String topic,
            String uidPrefix,
            SerializableFunction<T, byte[]> key,
            SerializableFunction<T, byte[]> value) {
        if (alerts == null || topic == null) {
            return;
        }
        alerts.sinkTo(KafkaIO.sink(s, topic, key, value))
                .name("kafka: " + topic)
                .uid(uidPrefix + "-alerts-sink");
    }
}
