package io.inferstream.inference;

import java.util.Map;

/**
 * The version a model's predictions carry, and where it came from. In order: the version a
 * model update names, the configuration's {@code model.version} (or a sidecar's
 * {@code inferstream.model.version}), the model's own {@code inferstream.model.version}
 * metadata, its ONNX {@code model_version}, else {@link #DEFAULT}.
 *
 * @param value the version, as predictions and metrics carry it
 * @param source where it came from, for the start-up report
 */
public record ModelVersion(String value, String source) {
    /** The version of a model that names none anywhere: the first version, as model servers count. */
    public static final String DEFAULT = "1";

    /**
     * The override key under which the job passes the version a model update names; apart from
     * {@link ModelMetadataKeys#VERSION} so that start-up can tell the two apart.
     */
    public static final String UPDATE_VERSION = "inferstream.update.version";

    /**
     * What ONNX Runtime reports for a model without {@code model_version}: PyTorch's and
     * tf2onnx's exports write none.
     */
    static final long ONNX_UNSET = Long.MAX_VALUE;

    /**
     * Resolves the version from the overrides (update, then configuration), the model's
     * {@code metadata_props} and its ONNX {@code model_version}.
     */
    public static ModelVersion resolve(Map<String, String> modelMetadata, Map<String, String> overrides, long onnx) {
        String update = overrides.get(UPDATE_VERSION);
        if (present(update)) {
            return new ModelVersion(update.trim(), "a model update, or the checkpoint of a job that had one");
        }
        String configured = overrides.get(ModelMetadataKeys.VERSION);
        if (present(configured)) {
            return new ModelVersion(configured.trim(), "the configuration (model.version or the metadata file)");
        }
        String own = modelMetadata.get(ModelMetadataKeys.VERSION);
        if (present(own)) {
            return new ModelVersion(own.trim(), "the model's metadata " + ModelMetadataKeys.VERSION);
        }
        if (onnx != ONNX_UNSET) {
            return new ModelVersion(Long.toString(onnx), "the model's ONNX model_version");
        }
        return new ModelVersion(
                DEFAULT,
                "the default: the model names no version (ONNX model_version unset, as PyTorch exports it);"
                        + " set model.version to name one");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** Like "3 (from the model update)". */
    @Override
    public String toString() {
        return value + " (from " + source + ")";
    }
}
