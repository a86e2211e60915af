package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.ImageTask;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.ModelUpdateRecord;
import java.time.Duration;
import java.util.function.BiFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The image classification transformation for a user's own DataStream job, as the image job runs
 * it: images decoded (PNG, JPEG, BMP, GIF, an Avro ImageEvent) and preprocessed by the model's
 * metadata, gathered into micro-batches of one ONNX Runtime call each, and the top-k labels with
 * their scores out; undecodable or oversized images on the dead-letter side output with their
 * reason.
 *
 * <pre>{@code
 * ImageClassification classification = ImageClassification.builder()
 *         .modelPath("models/fashion-cnn.onnx")
 *         .batchSize(64)
 *         .topK(3)
 *         .build();                                   // checks the settings and the model here
 * JobOutputs<ClassifiedImage> out = classification.apply(images);  // DataStream<KafkaInput>
 * }</pre>
 *
 * Make inputs from your own image bytes with {@link ImageInputs#of(String, String, long, byte[])}.
 */
public final class ImageClassification {
    private final ImageJobConfig config;
    private final ImageModelSpec spec;
    private final DataStream<ModelUpdateRecord> updates;
    private final BatchFunction<ImageTask, ClassifiedImage> classify;
    private final String uidPrefix;

    ImageClassification(
            ImageJobConfig config,
            ImageModelSpec spec,
            DataStream<ModelUpdateRecord> updates,
            BatchFunction<ImageTask, ClassifiedImage> classify,
            String uidPrefix) {
        this.config = config;
        this.spec = spec;
        this.updates = updates;
        this.classify = classify;
        this.uidPrefix = uidPrefix;
    }

    /** A builder with the image job's defaults (jobs/image-classifier.yaml's keys, docs/configuration.md). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds decode and preprocess, micro-batch and classify to {@code images}' job. The operators'
     * uids are {@code image-decode} and {@code image-classify} (after the builder's uid prefix),
     * stable so that savepoints restore.
     */
    public JobOutputs<ClassifiedImage> apply(DataStream<KafkaInput> images) {
        SingleOutputStreamOperator<ImageTask> decoded = images.process(new ImageDecodeFunction(config, spec))
                .name("decode and preprocess")
                .uid(uidPrefix + "image-decode");
        String name =
                "classify " + spec.modelName + " (batch " + config.maxBatchSize + ", " + config.maxBatchWaitMs + " ms)";
        TypeInformation<ClassifiedImage> type = TypeInformation.of(ClassifiedImage.class);
        MicroBatchOperator<ImageTask, ClassifiedImage> operator =
                new MicroBatchOperator<>(classify, config.maxBatchSize, config.maxBatchWaitMs);
        SingleOutputStreamOperator<ClassifiedImage> predictions = ModelServingOperator.apply(
                        decoded, updates, name, type, operator)
                .uid(uidPrefix + "image-classify");
        return new JobOutputs<>(
                predictions,
                decoded.getSideOutput(ImageDecodeFunction.DEAD_LETTERS),
                updates == null ? null : predictions.getSideOutput(LiveModel.STATUS));
    }

    /** The checked settings, with the image job's defaults where the builder set nothing. */
    public ImageJobConfig config() {
        return config;
    }

    /** The model's contract as checked at {@link Builder#build()}: input shape, labels, normalization. */
    public ImageModelSpec spec() {
        return spec;
    }

    /**
     * Collects the transformation's settings; {@link #build()} checks them all and the model, so a
     * misconfigured transformation fails where the job is built, naming the setter, the key, the
     * value and what was expected. Every setter writes one key of the image job's configuration
     * (named in its Javadoc); {@link #setting} sets any other.
     */
    public static final class Builder extends TransformationBuilder<Builder, ImageJobConfig> {
        private BiFunction<ImageJobConfig, ImageModelSpec, BatchFunction<ImageTask, ClassifiedImage>> classifier =
                ImageClassifyBatch::new;

        private Builder() {
            super("ImageClassification");
        }

        @Override
        Builder self() {
            return this;
        }

        /** Most images in one ONNX Runtime call, 1 to 4096 (batch.max-size, default 64). */
        public Builder batchSize(int images) {
            settings.put("batchSize", "batch.max-size", images);
            return this;
        }

        /** Longest an image waits for its batch to fill, 0 to 60 s (batch.max-wait-ms, default 20 ms). */
        public Builder maxBatchWait(Duration wait) {
            settings.putMillis("maxBatchWait", "batch.max-wait-ms", wait);
            return this;
        }

        /** Labels per prediction, best first, at most the model's classes (output.top-k, default 3). */
        public Builder topK(int labels) {
            settings.put("topK", "output.top-k", labels);
            return this;
        }

        /** Largest decoded image, in pixels (limits.max-pixels, default 16,000,000). */
        public Builder maxPixels(long pixels) {
            settings.put("maxPixels", "limits.max-pixels", pixels);
            return this;
        }

        /** Largest encoded image, in bytes (limits.max-bytes, default 10 MiB). */
        public Builder maxBytes(int bytes) {
            settings.put("maxBytes", "limits.max-bytes", bytes);
            return this;
        }

        /** What classifies with the checked model: a benchmark hands in one that does no inference. */
        Builder classifier(
                BiFunction<ImageJobConfig, ImageModelSpec, BatchFunction<ImageTask, ClassifiedImage>> classify) {
            this.classifier = classify;
            return this;
        }

        /**
         * Checks every setting and the model: the file exists, fits the classifier contract (a
         * {@code ModelContractException} names the expected and actual shapes), and has at least
         * top-k classes.
         *
         * @throws ConfigException for a refused setting, naming setter, key, value and expectation
         */
        public ImageClassification build() {
            ImageJobConfig checked = checkedConfig(ImageJobConfig::forTransformation);
            ImageModelSpec spec = inspected(
                    checked.modelPath,
                    checked.onnx,
                    "image classifier",
                    (model, onnx) -> OnnxImageClassifier.inspect(model, checked.modelOverrides, onnx));
            if (checked.topK > spec.numClasses()) {
                ConfigException tooMany = ConfigException.of(
                        "output.top-k", checked.topK, "at most the model's " + spec.numClasses() + " classes");
                throw refusal(tooMany);
            }
            return new ImageClassification(checked, spec, updates, classifier.apply(checked, spec), uidPrefix);
        }
    }
}
