package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.SecretReferences;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The configuration keys a DataStream builder collects ({@link RnnForecasting}, {@link
 * ImageClassification}): its typed setters and {@code setting(key, value)} write the shipped
 * job's keys, so every key the job configuration knows (and any it learns later) works in the
 * builder, checked by the same code with the same messages. Keys that only concern the shipped
 * job's Kafka I/O, checkpointing or cluster are refused: the user's own job owns those.
 */
final class TransformationSettings {
    /** Keys of the shipped job's I/O and runtime, never of a transformation; a trailing dot means a prefix. */
    private static final List<String> JOB_ONLY_KEYS = List.of(
            "kafka.",
            "topics.",
            "flink.",
            "checkpoint.",
            "fence.",
            "output.format",
            "delivery",
            "parallelism",
            "state.backend",
            "model-updates.enabled",
            "model-updates.topic",
            "model-updates.status-topic");

    private final String builder;
    private final List<String> alsoJobOnly;
    private final Map<String, Object> values = new TreeMap<>();
    /** The setter that wrote each key, so a refusal names the call the user made. */
    private final Map<String, String> setters = new HashMap<>();

    /**
     * @param builder how messages name the builder, e.g. "RnnForecasting"
     * @param alsoJobOnly keys (or prefixes ending in a dot) this transformation refuses besides
     *     the shared ones, such as the tick job's Kafka record parsing
     */
    TransformationSettings(String builder, String... alsoJobOnly) {
        this.builder = builder;
        this.alsoJobOnly = List.of(alsoJobOnly);
    }

    void put(String setter, String key, Object value) {
        values.put(key, value == null ? null : value.toString());
        setters.put(key, setter);
    }

    void putMillis(String setter, String key, Duration value) {
        if (value == null) {
            throw new ConfigException(builder + ": " + setter + "(null): expected a duration (" + key + ")");
        }
        put(setter, key, value.toMillis());
    }

    /** A job configuration key as in {@code jobs/*.yaml}, for options without a setter of their own. */
    void setting(String key, Object value) {
        if (key == null) {
            throw new ConfigException(builder + ": setting(null, ...): expected a configuration key");
        }
        values.put(key, value);
        setters.remove(key);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * Reads the collected keys through {@code config} (the job configuration's own checks), after
     * refusing keys of the shipped job's I/O. A refused value's message names the setter that set
     * it, then the key, the value and what was expected.
     */
    <C> C read(Function<Map<String, Object>, C> config) {
        List<String> jobOnly = new ArrayList<>(JOB_ONLY_KEYS);
        jobOnly.addAll(alsoJobOnly);
        for (String key : values.keySet()) {
            for (String refused : jobOnly) {
                if (refused.endsWith(".") ? key.startsWith(refused) : key.equals(refused)) {
                    Object shown = SecretReferences.isSecret(key) ? "(hidden)" : values.get(key);
                    throw new ConfigException(builder + ": " + key + " = '" + shown + "': expected a setting of"
                            + " the transformation; " + key + " belongs to the shipped Kafka job (set it on your"
                            + " own sources, sinks or Flink configuration instead)");
                }
            }
        }
        try {
            return config.apply(new HashMap<>(values));
        } catch (ConfigException e) {
            throw refusal(e);
        }
    }

    /** {@code e}, a check of the job configuration's, as the builder's: naming the setter where one set the key. */
    ConfigException refusal(ConfigException e) {
        // The job's list of pass-through sections does not apply here: the builder refuses them.
        String message = e.getMessage().replace(" or a key under kafka.properties. or flink.", "");
        return new ConfigException(builder + ": " + setterOf(message) + message);
    }

    private String setterOf(String message) {
        for (Map.Entry<String, String> entry : setters.entrySet()) {
            String key = entry.getKey();
            if (message.startsWith(key + " = ") || message.startsWith(key + " is not set")) {
                return entry.getValue() + "(" + values.get(key) + ") refused: ";
            }
        }
        return "";
    }
}
