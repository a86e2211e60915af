package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.output.RecordEncoder;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.KafkaInput;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Wires the image job between Kafka topics: source, {@link ImageClassifierJob#build}, two sinks. */
public final class ImageJobPipeline {

    private ImageJobPipeline() {}

    /**
     * Checks the model against its contract (so a mismatch fails here, at start-up, with the
     * shapes named) and adds the whole Kafka-to-Kafka job to the environment.
     */
    public static ImageModelSpec wire(StreamExecutionEnvironment env, ImageJobConfig config) {
        ImageModelSpec spec = OnnxImageClassifier.inspect(ModelFiles.read(config.modelPath), config.modelOverrides);
        if (config.topK > spec.numClasses()) {
            throw ConfigException.of(
                    "output.top-k", config.topK, "at most the model's " + spec.numClasses() + " classes");
        }
        StreamJobSettings s = config.common;
        DataStream<KafkaInput> in = env.fromSource(
                        KafkaIO.source(s), WatermarkStrategy.noWatermarks(), "kafka: " + s.inputTopic)
                .uid("image-source");
        ImageClassifierJob.Outputs outputs = ImageClassifierJob.build(in, config, spec);
        final var format = s.outputFormat;
        outputs.predictions
                .sinkTo(KafkaIO.<ClassifiedImage>sink(
                        s,
                        s.outputTopic,
                        p -> p.source == null ? null : p.source.getBytes(StandardCharsets.UTF_8),
                        p -> RecordEncoder.encode(p, format)))
                .name("kafka: " + s.outputTopic)
                .uid("image-predictions-sink");
        outputs.deadLetters
                .sinkTo(KafkaIO.<DeadLetterRecord>sink(
                        s, s.deadLetterTopic, d -> d.key, d -> RecordEncoder.encode(d, format)))
                .name("kafka: " + s.deadLetterTopic)
                .uid("image-dlq-sink");
        return spec;
    }
}
