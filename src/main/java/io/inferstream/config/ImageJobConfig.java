package io.inferstream.config;

import io.inferstream.inference.ImageModelOverrides;
import io.inferstream.inference.ModelMetadataKeys;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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
    public final int intraOpThreads;
    /** False only in benchmarks: the same job with inference replaced by a pass-through. */
    public final boolean inferenceEnabled;

    private ImageJobConfig(Settings s) {
        this.common = StreamJobSettings.read(s, JOB, "images", "image-predictions");
        Path model = s.existingFile("model.path", null, "the ONNX classifier");
        this.modelPath = model.toString();
        this.modelOverrides = overrides(s, model);
        this.maxBatchSize = s.intValue("batch.max-size", 64, 1, 4096);
        this.maxBatchWaitMs = s.longValue("batch.max-wait-ms", 20, 0, 60_000);
        this.maxPixels = s.longValue("limits.max-pixels", 16_000_000, 1, 1_000_000_000);
        this.maxBytes = s.intValue("limits.max-bytes", 10 * 1024 * 1024, 1, Integer.MAX_VALUE);
        this.topK = s.intValue("output.top-k", 3, 1, 1000);
        this.intraOpThreads = s.intValue("onnx.intra-op-threads", 1, 1, 256);
        this.inferenceEnabled = s.bool("inference.enabled", true);
        s.rejectUnknown(JOB);
    }

    /** Builds and validates the configuration from flat keys (file values plus overrides). */
    public static ImageJobConfig from(Map<String, Object> values) {
        return new ImageJobConfig(new Settings(values));
    }

    public Path modelFile() {
        return Path.of(modelPath);
    }

    /**
     * Metadata overrides: a sidecar {@code <model>.properties} beside the model (or named by
     * model.metadata-file), then the job configuration's own model.* keys, which win.
     */
    private static ImageModelOverrides overrides(Settings s, Path model) {
        Map<String, String> values = new HashMap<>();
        String sidecarKey = "model.metadata-file";
        Path defaultSidecar = Path.of(model + ".properties");
        String sidecar = s.string(sidecarKey, defaultSidecar.toFile().isFile() ? defaultSidecar.toString() : null);
        if (sidecar != null) {
            ConfigFiles.load(Path.of(sidecar)).forEach((k, v) -> values.put(k, sidecarValue(v)));
        }
        putIfSet(values, ModelMetadataKeys.NAME, s.string("model.name", null));
        putIfSet(values, ModelMetadataKeys.VERSION, s.string("model.version", null));
        putIfSet(values, ModelMetadataKeys.LAYOUT, s.choice("model.layout", null, "NCHW", "NHWC"));
        putIfSet(values, ModelMetadataKeys.INPUT_SCALE, s.string("model.input-scale", null));
        putIfSet(values, ModelMetadataKeys.INPUT_MEAN, join(s.list("model.mean")));
        putIfSet(values, ModelMetadataKeys.INPUT_STD, join(s.list("model.std")));
        putIfSet(values, ModelMetadataKeys.OUTPUT_KIND, s.choice("model.output-kind", null, "probabilities", "logits"));
        List<String> labels = s.list("model.labels");
        if (labels != null) {
            values.put(ModelMetadataKeys.LABELS, toJsonArray(labels));
        }
        return new ImageModelOverrides(values, s.string("model.input-name", null), s.string("model.output-name", null));
    }

    private static String sidecarValue(Object value) {
        if (value instanceof List) {
            List<String> items = new java.util.ArrayList<>();
            ((List<?>) value).forEach(item -> items.add(String.valueOf(item)));
            return toJsonArray(items);
        }
        return String.valueOf(value);
    }

    private static void putIfSet(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }

    private static String join(List<String> items) {
        return items == null ? null : String.join(",", items);
    }

    private static String toJsonArray(List<String> labels) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < labels.size(); i++) {
            json.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(labels.get(i).replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return json.append(']').toString();
    }
}
