package io.inferstream.sql;

import io.inferstream.config.ConfigException;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.OnnxSettings;
import io.inferstream.config.Settings;
import io.inferstream.flink.ModelFiles;
import io.inferstream.inference.ImageModelOverrides;
import io.inferstream.inference.OnnxOptions;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WITH options of a {@code CREATE MODEL ... WITH ('provider' = 'onnx', ...)}, checked when
 * the model is planned. The keys are the image job's (model.*, limits.*, output.top-k, batch.*,
 * onnx.*), so a model behaves in SQL as it does in the job; tensor models take model.path,
 * batch.* and onnx.* only.
 */
final class OnnxModelOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String MODEL_PATH = "model.path";
    static final String BATCH_MAX_SIZE = "batch.max-size";
    static final String BATCH_MAX_WAIT_MS = "batch.max-wait-ms";

    /** Model location, absolute when it is a local path: TaskManagers may start elsewhere. */
    final String modelPath;

    final int maxBatchSize;
    final long maxBatchWaitMs;
    final OnnxOptions onnx;
    /** Image classifiers only; null for tensor models. */
    final ImageOptions image;

    /** The image job's decoding limits, top-k and metadata overrides. */
    static final class ImageOptions implements Serializable {
        private static final long serialVersionUID = 1L;
        final ImageModelOverrides overrides;
        final long maxPixels;
        final int maxBytes;
        final int topK;

        private ImageOptions(Settings s, String modelPath) {
            this.overrides = ImageJobConfig.overrides(s, Path.of(modelPath));
            this.maxPixels = s.longValue("limits.max-pixels", 16_000_000, 1, 1_000_000_000);
            this.maxBytes = s.intValue("limits.max-bytes", 10 * 1024 * 1024, 1, Integer.MAX_VALUE);
            this.topK = s.intValue("output.top-k", 3, 1, 1000);
        }
    }

    private OnnxModelOptions(Settings s, boolean imageModel, String modelName) {
        s.string("provider", null);
        String location = s.modelLocation(MODEL_PATH, "the ONNX model");
        this.modelPath = ModelFiles.isUri(location)
                ? location
                : Path.of(location).toAbsolutePath().normalize().toString();
        this.maxBatchSize = s.intValue(BATCH_MAX_SIZE, 64, 1, 4096);
        this.maxBatchWaitMs = s.longValue(BATCH_MAX_WAIT_MS, 20, 0, 60_000);
        this.onnx = OnnxSettings.read(s);
        this.image = imageModel ? new ImageOptions(s, modelPath) : null;
        List<String> unknown = s.unreadKeys();
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown option '" + unknown.get(0) + "' of model " + modelName
                    + (imageModel ? " (an image classifier)" : " (a tensor model)") + "; expected one of "
                    + s.readKeys());
        }
    }

    /** Reads and checks the options; a bad one fails naming the key, the value and what was expected. */
    static OnnxModelOptions read(Map<String, String> options, boolean imageModel, String modelName) {
        return new OnnxModelOptions(new Settings(new HashMap<>(options)), imageModel, modelName);
    }
}
