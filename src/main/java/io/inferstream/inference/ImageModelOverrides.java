package io.inferstream.inference;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Metadata values that replace the model's own {@code metadata_props}, keyed like them; the
 * job configuration and sidecar files feed it.
 */
public final class ImageModelOverrides implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> values;
    private final String inputName;
    private final String outputName;

    public ImageModelOverrides(Map<String, String> values, String inputName, String outputName) {
        this.values = new HashMap<>(values);
        this.inputName = inputName;
        this.outputName = outputName;
    }

    public static ImageModelOverrides none() {
        return new ImageModelOverrides(Map.of(), null, null);
    }

    /** Metadata after overrides: these values win over the model's. */
    public Map<String, String> applyTo(Map<String, String> modelMetadata) {
        Map<String, String> merged = new HashMap<>(modelMetadata);
        merged.putAll(values);
        return merged;
    }

    /** These overrides with one more value, e.g. the version a model update names. */
    public ImageModelOverrides with(String key, String value) {
        ImageModelOverrides copy = new ImageModelOverrides(values, inputName, outputName);
        copy.values.put(key, value);
        return copy;
    }

    /** The input tensor to use, or null to take the model's only input. */
    public String inputName() {
        return inputName;
    }

    /** The output tensor to use, or null to take the model's first output. */
    public String outputName() {
        return outputName;
    }
}
