package io.inferstream.config;

/** A configuration that cannot run: names the key, the value and what was expected. */
public class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    /** "key = 'value': expected ...", the shape of every configuration error. */
    public static ConfigException of(String key, Object value, String expected) {
        Object shown = SecretReferences.isSecret(key) ? "(hidden)" : value;
        return new ConfigException(key + " = '" + shown + "': expected " + expected);
    }
}
