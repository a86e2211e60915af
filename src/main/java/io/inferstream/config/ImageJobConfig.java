package io.inferstream.config;

import io.inferstream.inference.ImageModelOverrides;
import io.inferstream.inference.ModelMetadataKeys;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.input.ImageEnvelope;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;

/**
 * The image classification job's configuration, from {@code jobs/image-classifier.yaml} and
 * command-line overrides; every value is checked here, before the job is built.
 */
public final class ImageJobConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String JOB = "image-classifier";

    public final StreamJobSettings common;
    public final String modelPath;
    public final ImageModelOverrides modelOverrides;
    public final int maxBatchSize;
    public final long maxBatchWaitMs;
    public final long maxPixels;
    public final int maxBytes;
    public final int topK;
    /** A JSON envelope around the image bytes (input.image-field ...); NONE when not configured. */
    public final ImageEnvelope envelope;

    /** Intra-op threads and execution provider of every ONNX Runtime session (onnx.*). */
    public final OnnxOptions onnx;
    /** The control topic for live model updates and where their models may come from. */
    public final ModelUpdateSettings modelUpdates;

    private ImageJobConfig(Settings s) {
        this(s, true);
    }

    private ImageJobConfig(Settings s, boolean kafka) {
        this.common = kafka
                ? StreamJobSettings.read(s, JOB, "images", "image-predictions")
                : StreamJobSettings.readWithoutKafka(s, JOB);
        this.modelPath = s.modelLocation("model.path", "the ONNX classifier");
        Path model = Path.of(ModelOverrideSettings.sidecarBase(modelPath));
        this.modelOverrides = overrides(s, model);
        this.maxBatchSize = s.intValue("batch.max-size", 64, 1, 4096);
        this.maxBatchWaitMs = s.longValue("batch.max-wait-ms", 20, 0, 60_000);
        this.maxPixels = s.longValue("limits.max-pixels", 16_000_000, 1, 1_000_000_000);
        this.maxBytes = s.intValue("limits.max-bytes", 10 * 1024 * 1024, 1, Integer.MAX_VALUE);
        this.topK = s.intValue("output.top-k", 3, 1, 1000);
        this.envelope = InputMappingSettings.image(s);
        this.onnx = OnnxSettings.read(s);
        this.modelUpdates = ModelUpdateSettings.read(s, modelPath);
        s.rejectUnknown(JOB);
    }

    /** Builds and validates the configuration from flat keys (file values plus overrides). */
    public static ImageJobConfig from(Map<String, Object> values) {
        return new ImageJobConfig(new Settings(values));
    }

    /**
     * The settings of the classification transformation in a user's own job ({@code
     * ImageClassification}): the same keys and checks, without a Kafka connection.
     */
    public static ImageJobConfig forTransformation(Map<String, Object> values) {
        return new ImageJobConfig(new Settings(values), false);
    }

    /** From settings already made (with their own secret resolution, in tests). */
    static ImageJobConfig from(Settings settings) {
        return new ImageJobConfig(settings);
    }

    public Path modelFile() {
        return Path.of(modelPath);
    }

    /**
     * Metadata overrides from a sidecar file and the model.* keys: the job configuration's, or
     * the WITH options of a SQL model.
     */
    public static ImageModelOverrides overrides(Settings s, Path model) {
        Map<String, String> values = new ModelOverrideSettings(s, model)
                .scalar("model.name", ModelMetadataKeys.NAME)
                .scalar("model.version", ModelMetadataKeys.VERSION)
                .value(ModelMetadataKeys.LAYOUT, s.choice("model.layout", null, "NCHW", "NHWC"))
                .scalar("model.input-scale", ModelMetadataKeys.INPUT_SCALE)
                .commaList("model.mean", ModelMetadataKeys.INPUT_MEAN)
                .commaList("model.std", ModelMetadataKeys.INPUT_STD)
                .value(ModelMetadataKeys.OUTPUT_KIND, s.choice("model.output-kind", null, "probabilities", "logits"))
                .jsonList("model.labels", ModelMetadataKeys.LABELS)
                .values();
        return new ImageModelOverrides(values, s.string("model.input-name", null), s.string("model.output-name", null));
    }
}
