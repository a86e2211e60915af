package io.inferstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Typed, validated access to flat configuration values. Every read records its key, so that
 * {@link #rejectUnknown} can refuse keys nobody asked for (usually typos).
 */
public final class Settings {
    private final Map<String, Object> values;
    private final Set<String> read = new HashSet<>();
    private final Map<String, String> defaults = new TreeMap<>();

    public Settings(Map<String, Object> values) {
        this(values, SecretReferences.fromSystem());
    }

    /** Settings whose ${env:...} and ${file:...} references resolve through {@code secrets}. */
    public Settings(Map<String, Object> values, SecretReferences secrets) {
        this.values = new TreeMap<>(values);
        secrets.resolveAll(this.values);
    }

    public String string(String key, String defaultValue) {
        read.add(key);
        defaults.put(key, defaultValue);
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof List) {
            throw ConfigException.of(key, value, "a single value, not a list");
        }
        return value.toString().trim();
    }

    public String required(String key, String hint) {
        String value = string(key, null);
        if (value == null || value.isEmpty()) {
            throw new ConfigException(key + " is not set: expected " + hint);
        }
        return value;
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        String raw = string(key, null);
        defaults.put(key, Long.toString(defaultValue));
        if (raw == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw ConfigException.of(key, raw, "an integer between " + min + " and " + max);
        }
        if (value < min || value > max) {
            throw ConfigException.of(key, raw, "an integer between " + min + " and " + max);
        }
        return value;
    }

    /**
     * A finite decimal number for which {@code allowed} holds; else refused naming the key, the
     * value and {@code expected}.
     */
    public double doubleValue(
            String key, double defaultValue, java.util.function.DoublePredicate allowed, String expected) {
        String raw = string(key, null);
        defaults.put(key, Double.toString(defaultValue));
        if (raw == null) {
            return defaultValue;
        }
        double value;
        try {
            value = Double.parseDouble(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw ConfigException.of(key, raw, expected);
        }
        if (!Double.isFinite(value) || !allowed.test(value)) {
            throw ConfigException.of(key, raw, expected);
        }
        return value;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public boolean bool(String key, boolean defaultValue) {
        String raw = string(key, null);
        defaults.put(key, Boolean.toString(defaultValue));
        if (raw == null) {
            return defaultValue;
        }
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw ConfigException.of(key, raw, "true or false");
        }
    }

    /** One of the given words (case-insensitive), returned in its canonical spelling. */
    public String choice(String key, String defaultValue, String... allowed) {
        String raw = string(key, defaultValue);
        if (raw == null) {
            return null;
        }
        for (String option : allowed) {
            if (option.equalsIgnoreCase(raw)) {
                return option;
            }
        }
        throw ConfigException.of(key, raw, "one of " + String.join(", ", allowed));
    }

    /** A YAML list, or a comma-separated string; null when absent. */
    public List<String> list(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof List) {
            List<String> items = new ArrayList<>();
            for (Object item : (List<?>) value) {
                items.add(item.toString());
            }
            return items;
        }
        List<String> items = new ArrayList<>();
        for (String part : value.toString().split(",")) {
            items.add(part.trim());
        }
        return items;
    }

    /** A file that must exist, resolved against the working directory. */
    public Path existingFile(String key, String defaultValue, String what) {
        String raw = string(key, defaultValue);
        if (raw == null || raw.isEmpty()) {
            throw new ConfigException(key + " is not set: expected the path of " + what);
        }
        Path path = Path.of(raw);
        if (!path.toFile().isFile()) {
            throw ConfigException.of(key, raw, "an existing file (" + what + "); looked at " + path.toAbsolutePath());
        }
        return path;
    }

    /**
     * A model location: a local file that must exist, or a URI with a scheme (s3://, hdfs://,
     * file:/...) that the job reads through Flink's file systems at start-up.
     */
    public String modelLocation(String key, String what) {
        String raw = string(key, null);
        if (raw != null && raw.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !raw.startsWith("file:")) {
            return raw;
        }
        if (raw != null && raw.startsWith("file:")) {
            Path local = Path.of(java.net.URI.create(raw));
            if (!local.toFile().isFile()) {
                throw ConfigException.of(key, raw, "an existing file (" + what + ")");
            }
            return raw;
        }
        return existingFile(key, null, what).toString();
    }

    /** Every key under a prefix, with the prefix removed; these keys count as read. */
    public Map<String, String> section(String prefix) {
        Map<String, String> section = new TreeMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            if (entry.getKey().startsWith(prefix) && entry.getValue() != null) {
                read.add(entry.getKey());
                section.put(
                        entry.getKey().substring(prefix.length()),
                        entry.getValue().toString());
            }
        }
        return section;
    }

    /** The keys no getter read so far (usually typos), in order. */
    public List<String> unreadKeys() {
        List<String> unread = new ArrayList<>();
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                unread.add(key);
            }
        }
        return unread;
    }

    /** The keys read so far, in order: what the caller knows. */
    public List<String> readKeys() {
        List<String> known = new ArrayList<>(read);
        known.sort(null);
        return known;
    }

    /** Fails on the first key that no getter read, listing the keys this job knows. */
    /**
     * The built-in default of each single-valued key read so far (null where there is none), so
     * that a test can hold the job files to setting only what differs from the code.
     */
    Map<String, String> defaultsRead() {
        return Collections.unmodifiableMap(defaults);
    }

    public void rejectUnknown(String jobName) {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                List<String> known = new ArrayList<>(read);
                known.sort(null);
                throw new ConfigException("unknown configuration key '" + key + "' for " + jobName
                        + "; expected one of " + known
                        + " or a key under kafka.properties. or flink.");
            }
        }
    }
}
