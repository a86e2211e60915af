package io.inferstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the metadata a job configuration overrides: first a sidecar {@code <model>.properties}
 * beside the model (or the file named by model.metadata-file), then the job's own model.* keys.
 */
final class ModelOverrideSettings {
    private final Settings settings;
    private final Map<String, String> values = new HashMap<>();

    ModelOverrideSettings(Settings settings, Path model) {
        this.settings = settings;
        Path defaultSidecar = Path.of(model + ".properties");
        String sidecar = settings.string(
                "model.metadata-file", defaultSidecar.toFile().isFile() ? defaultSidecar.toString() : null);
        if (sidecar != null) {
            ConfigFiles.load(Path.of(sidecar)).forEach((k, v) -> values.put(k, sidecarValue(v)));
        }
    }

    /** Where to look for a sidecar: the model's local path (a remote model has none beside it). */
    static String sidecarBase(String modelLocation) {
        return modelLocation.startsWith("file:")
                ? Path.of(java.net.URI.create(modelLocation)).toString()
                : modelLocation;
    }

    /** A single value: configKey overrides metadataKey when set. */
    ModelOverrideSettings scalar(String configKey, String metadataKey) {
        put(metadataKey, settings.string(configKey, null));
        return this;
    }

    /** A value already read and checked by the caller (a choice). */
    ModelOverrideSettings value(String metadataKey, String value) {
        put(metadataKey, value);
        return this;
    }

    /** A list, written comma-separated (numbers, tensor names). */
    ModelOverrideSettings commaList(String configKey, String metadataKey) {
        List<String> items = settings.list(configKey);
        put(metadataKey, items == null ? null : String.join(",", items));
        return this;
    }

    /** A list, written as a JSON array (labels and names that may hold commas). */
    ModelOverrideSettings jsonList(String configKey, String metadataKey) {
        List<String> items = settings.list(configKey);
        put(metadataKey, items == null ? null : toJsonArray(items));
        return this;
    }

    Map<String, String> values() {
        return Map.copyOf(values);
    }

    private void put(String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }

    private static String sidecarValue(Object value) {
        if (value instanceof List) {
            List<String> items = new ArrayList<>();
            ((List<?>) value).forEach(item -> items.add(String.valueOf(item)));
            return toJsonArray(items);
        }
        return String.valueOf(value);
    }

    static String toJsonArray(List<String> items) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            json.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(items.get(i).replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return json.append(']').toString();
    }
}
