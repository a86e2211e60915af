package io.inferstream.flink;

import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.OutputFormat;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.output.RecordEncoder;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.ImageTask;
import io.inferstream.records.KafkaInput;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Wires the image job between Kafka topics: source, {@link ImageClassifierJob#build}, two sinks. */
public final class ImageJobPipeline {

    private ImageJobPipeline() {}

    /**
     * Checks the model against its contract (so a mismatch fails here, at start-up, with the
     * shapes named) and the execution provider (onnx.*), and adds the whole Kafka-to-Kafka job
     * to the environment.
     */
    public static ImageModelSpec wire(StreamExecutionEnvironment env, ImageJobConfig config) {
        return wire(env, config, ImageClassifyBatch::new);
    }

    /**
     * The same, classifying with what {@code classify} makes of the configuration and the
     * checked model: a benchmark hands in a classifier that does no inference.
     */
    public static ImageModelSpec wire(
            StreamExecutionEnvironment env,
            ImageJobConfig config,
            BiFunction<ImageJobConfig, ImageModelSpec, BatchFunction<ImageTask, ClassifiedImage>> classify) {
        StreamJobSettings s = config.common;
        // The source first, then the control topic's: the graph's order as before this API.
        DataStream<KafkaInput> in = env.fromSource(
                        KafkaIO.source(s), WatermarkStrategy.noWatermarks(), "kafka: " + s.inputTopic)
                .uid("image-source");
        ImageClassification classification = ImageClassification.builder()
                .config(config)
                .inspectFor(env)
                .classifier(classify)
                .modelUpdates(KafkaIO.modelUpdates(env, s, config.modelUpdates, "image"))
                .build();
        ImageModelSpec spec = classification.spec();
        PredictionSizes.checkImage(s, spec, config.topK);
        JobOutputs<ClassifiedImage> outputs = classification.apply(in);
        OutputFormat format = s.outputFormat;
        outputs.sinkToKafka(
                s,
                config.modelUpdates,
                "image",
                p -> p.source == null ? null : p.source.getBytes(StandardCharsets.UTF_8),
                p -> RecordEncoder.encode(p, format));
        return spec;
    }
}
