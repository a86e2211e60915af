package io.inferstream.flink;

import io.inferstream.config.ImageJobConfig;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.ImageTask;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.ModelUpdateRecord;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The image classification topology, apart from its I/O: Kafka records in, classifications and
 * dead letters out. Kafka, the demo, the benchmarks and the tests all plug into {@link #build}.
 */
public final class ImageClassifierJob {

    private ImageClassifierJob() {}

    /** The topology without live model updates. */
    public static JobOutputs<ClassifiedImage> build(
            DataStream<KafkaInput> in, ImageJobConfig config, ImageModelSpec spec) {
        return build(in, null, config, spec);
    }

    /** The topology classifying with the configured model, replaced by {@code updates} where there are any. */
    public static JobOutputs<ClassifiedImage> build(
            DataStream<KafkaInput> in,
            DataStream<ModelUpdateRecord> updates,
            ImageJobConfig config,
            ImageModelSpec spec) {
        return build(in, updates, config, spec, new ImageClassifyBatch(config, spec));
    }

    /**
     * Builds decode, micro-batch and {@code classify} on {@code in}. The spec is the model's
     * resolved contract, checked on the client before the job is submitted. With {@code updates},
     * every classifier instance also receives the control topic's model updates. The topology is
     * {@link ImageClassification}'s, for a model already checked.
     */
    public static JobOutputs<ClassifiedImage> build(
            DataStream<KafkaInput> in,
            DataStream<ModelUpdateRecord> updates,
            ImageJobConfig config,
            ImageModelSpec spec,
            BatchFunction<ImageTask, ClassifiedImage> classify) {
        return new ImageClassification(config, spec, updates, classify, "").apply(in);
    }
}
