package io.inferstream.config;

import io.inferstream.input.ImageEnvelope;
import io.inferstream.input.TickMapping;
import io.inferstream.input.TimeFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the {@code input.*} keys that map a topic's own record layout onto a tick or an image
 * event; every path is compiled here, so a malformed one fails at start-up naming its key.
 */
final class InputMappingSettings {

    private InputMappingSettings() {}

    static TickMapping tick(Settings s) {
        String keyField = field(s, "input.key-field", TickMapping.KAFKA_KEY);
        String timeField = field(s, "input.time-field", TickMapping.KAFKA_TIMESTAMP);
        List<String> valueFields = s.list("input.value-fields");
        if (valueFields != null) {
            for (String path : valueFields) {
                checkPath("input.value-fields", path, null);
            }
        }
        TimeFormat format = timeFormat(s);
        String schema = avroSchema(s);
        try {
            return new TickMapping(keyField, timeField, valueFields, format, schema);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("input.* mapping: " + e.getMessage());
        }
    }

    static ImageEnvelope image(Settings s) {
        String imageField = field(s, "input.image-field", null);
        String sourceField = field(s, "input.source-field", ImageEnvelope.KAFKA_KEY);
        String timeField = field(s, "input.time-field", ImageEnvelope.KAFKA_TIMESTAMP);
        TimeFormat format = timeFormat(s);
        if (imageField == null && (sourceField != null || timeField != null)) {
            throw new ConfigException("input.image-field is not set: expected a path like /jpeg, the base64 image"
                    + " in a JSON envelope, since input.source-field or input.time-field is set");
        }
        return new ImageEnvelope(imageField, sourceField, timeField, format);
    }

    private static TimeFormat timeFormat(Settings s) {
        return TimeFormat.of(s.choice("input.time-format", TimeFormat.AUTO.spelling, TimeFormat.spellings()));
    }

    private static String field(Settings s, String key, String keyword) {
        String value = s.string(key, null);
        if (value == null || value.equals(keyword)) {
            return value;
        }
        checkPath(key, value, keyword);
        return value;
    }

    private static void checkPath(String key, String value, String keyword) {
        if (value == null || !value.startsWith("/") || value.length() < 2) {
            throw ConfigException.of(
                    key, value, "a JSON Pointer like /device/id" + (keyword == null ? "" : " or " + keyword));
        }
    }

    /** The writer schema (.avsc) of mapped Avro records, as JSON text; null: the Avro Tick. */
    private static String avroSchema(Settings s) {
        String file = s.string("input.avro-schema", null);
        if (file == null) {
            return null;
        }
        try {
            String text = Files.readString(Path.of(file));
            new org.apache.avro.Schema.Parser().parse(text);
            return text;
        } catch (IOException | RuntimeException e) {
            throw ConfigException.of(
                    "input.avro-schema", file, "a readable Avro schema file (.avsc): " + e.getMessage());
        }
    }
}
