package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.OutputFormat;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.OnnxImageClassifier;
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
        ImageModelSpec spec = OnnxImageClassifier.inspect(
                ModelFiles.read(config.modelPath),
                config.modelOverrides,
                JobEnvironments.inspectionOptions(env, config.onnx));
        if (config.topK > spec.numClasses()) {
            throw ConfigException.of(
                    "output.top-k", config.topK, "at most the model's " + spec.numClasses() + " classes");
        }
        StreamJobSettings s = config.common;
        PredictionSizes.checkImage(s, spec, config.topK);
        DataStream<KafkaInput> in = env.fromSource(
                        KafkaIO.source(s), WatermarkStrategy.noWatermarks(), "kafka: " + s.inputTopic)
                .uid("image-source");
        JobOutputs<ClassifiedImage> outputs = ImageClassifierJob.build(
                in,
                KafkaIO.modelUpdates(env, s, config.modelUpdates, "image"),
                config,
                spec,
                classify.apply(config, spec));
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
