package io.inferstream.config;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Live model updates: the control topic a job listens on, the status topic it reports to, and
 * the locations a model named on the control topic may come from. Without this list a record
 * on the control topic could make every TaskManager read any file it can reach.
 */
public final class ModelUpdateSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final boolean enabled;
    public final String topic;
    public final String statusTopic;
    /**
     * Local directories or URI prefixes (s3://bucket/models/) as configured; a relative path
     * resolves where the model is read (on a cluster: the TaskManager's working directory), like
     * {@code model.path} itself.
     */
    public final List<String> allowedLocations;
    /**
     * The largest model an update may name, checked against the file's size before it is read:
     * every parallel instance holds the running model and the new one while it swaps.
     */
    public final long maxBytes;

    private ModelUpdateSettings(Settings s, String modelPath) {
        this.enabled = s.bool("model-updates.enabled", false);
        this.topic = s.string("model-updates.topic", "model-updates");
        this.statusTopic = s.string("model-updates.status-topic", "model-updates.status");
        List<String> configured = s.list("model-updates.allowed-locations");
        this.allowedLocations =
                configured == null || configured.isEmpty() ? List.of(parentOf(modelPath)) : List.copyOf(configured);
        // 2 GiB less 8 bytes: what a Java array, and ONNX's protobuf, can hold.
        this.maxBytes = s.longValue("model-updates.max-bytes", 256L << 20, 1, Integer.MAX_VALUE - 8);
        if (topic.equals(statusTopic)) {
            throw ConfigException.of(
                    "model-updates.status-topic", statusTopic, "a topic other than model-updates.topic");
        }
    }

    public static ModelUpdateSettings read(Settings settings, String modelPath) {
        return new ModelUpdateSettings(settings, modelPath);
    }

    /**
     * Null when a model at {@code location} may be loaded; else why not, naming the allowed
     * locations. Paths are compared after resolving "." and "..", so no prefix trick escapes.
     */
    public String refusal(String location) {
        String normalized = normalizeModel(location);
        if (normalized != null) {
            for (String allowed : allowedLocations) {
                if (normalized.startsWith(normalizeAllowed(allowed))) {
                    return null;
                }
            }
        }
        return "model location '" + location + "' is outside the allowed locations " + allowedLocations
                + "; expected a model under one of them (model-updates.allowed-locations)";
    }

    private static boolean hasScheme(String location) {
        return location.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !location.matches("[a-zA-Z]:[\\\\/].*");
    }

    /** The folder of the configured model, as written (models/ for models/cnn.onnx). */
    private static String parentOf(String modelPath) {
        if (hasScheme(modelPath)) {
            return modelPath.substring(0, modelPath.lastIndexOf('/') + 1);
        }
        Path parent = Path.of(modelPath).getParent();
        return parent == null ? "./" : withSeparator(parent.toString());
    }

    private static String normalizeAllowed(String location) {
        if (hasScheme(location) && !location.startsWith("file:")) {
            String text = URI.create(location).normalize().toString();
            return text.endsWith("/") ? text : text + "/";
        }
        return withSeparator(localPath(location).toString());
    }

    /** The location in the form allowed locations are compared with, or null if it is no valid location. */
    private static String normalizeModel(String location) {
        try {
            if (hasScheme(location) && !location.startsWith("file:")) {
                URI uri = URI.create(location).normalize();
                return uri.getPath() != null && uri.getPath().contains("..") ? null : uri.toString();
            }
            return localPath(location).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Absolute, normalized, and with symbolic links resolved where the path exists. */
    private static Path localPath(String location) {
        Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        Path normalized = path.toAbsolutePath().normalize();
        try {
            return normalized.toRealPath();
        } catch (java.io.IOException e) {
            return normalized;
        }
    }

    private static String withSeparator(String dir) {
        return dir.endsWith("/") ? dir : dir + "/";
    }
}
