package io.inferstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads job configuration files (YAML or .properties) into flat dotted keys. */
public final class ConfigFiles {

    private ConfigFiles() {}

    /**
     * Loads a file: nested YAML maps become dotted keys ({@code batch: {max-size: 64}} is {@code
     * batch.max-size}); YAML lists stay lists; .properties files are read as they are.
     */
    public static Map<String, Object> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file '" + file + "' does not exist");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (file.getFileName().toString().endsWith(".properties")) {
                Properties properties = new Properties();
                properties.load(reader);
                Map<String, Object> flat = new LinkedHashMap<>();
                properties.stringPropertyNames().forEach(k -> flat.put(k, properties.getProperty(k)));
                return flat;
            }
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Map<String, Object> flat = new LinkedHashMap<>();
            if (root != null) {
                if (!(root instanceof Map)) {
                    throw new ConfigException("configuration file '" + file + "' holds a "
                            + root.getClass().getSimpleName() + "; expected a map of settings");
                }
                flatten("", (Map<?, ?>) root, flat);
            }
            return flat;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException) {
                throw (ConfigException) e;
            }
            throw new ConfigException("cannot read configuration file '" + file + "': " + e.getMessage());
        }
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            Object value = entry.getValue();
            // Flink and Kafka keys contain dots themselves; their sections are kept verbatim below.
            if (value instanceof Map) {
                flatten(key + ".", (Map<?, ?>) value, out);
            } else if (value instanceof List) {
                List<String> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(String.valueOf(item));
                }
                out.put(key, items);
            } else {
                out.put(key, value == null ? null : String.valueOf(value));
            }
        }
    }
}
