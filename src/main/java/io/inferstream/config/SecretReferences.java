package io.inferstream.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${env:NAME}} and {@code ${file:PATH}} in configuration values, so secrets
 * (SASL passwords, JAAS lines, TLS key passwords) stay out of configuration files and command
 * lines; errors name the key and the reference, never a resolved value.
 */
public final class SecretReferences {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    /**
     * Parts of a key that mark its value as a secret: Flink's own list of sensitive keys (which
     * its REST API and log lines mask) and the names Kafka and TLS settings use for secrets.
     */
    private static final List<String> SECRET_KEY_PARTS = List.of(
            "password",
            "secret",
            "token",
            "jaas",
            "credential",
            "apikey",
            "api-key",
            "auth-params",
            "service-key",
            "basic-auth",
            "basic.auth",
            "http-headers",
            "fs.azure.account.key");

    private final Function<String, String> environment;

    public SecretReferences(Function<String, String> environment) {
        this.environment = environment;
    }

    /** References resolved from the process environment and the file system. */
    public static SecretReferences fromSystem() {
        return new SecretReferences(System::getenv);
    }

    /** The value with every reference replaced; values without references come back as they are. */
    public Object resolve(String key, Object value) {
        if (!(value instanceof String) || !((String) value).contains("${")) {
            return value;
        }
        Matcher matcher = REFERENCE.matcher((String) value);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String replacement =
                    matcher.group(1).equals("env") ? env(key, matcher.group(2)) : file(key, matcher.group(2));
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    /** Resolves every value of a configuration map in place. */
    public void resolveAll(Map<String, Object> values) {
        values.replaceAll(this::resolve);
    }

    private String env(String key, String name) {
        String value = environment.apply(name);
        if (value == null) {
            throw new ConfigException(
                    key + " refers to ${env:" + name + "}: expected environment variable " + name + " to be set");
        }
        return value;
    }

    private static String file(String key, String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(key + " refers to ${file:" + path + "}: expected a readable file ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Whether a key holds a secret whose value must never be shown (in errors, logs or listings). */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith(".key") || SECRET_KEY_PARTS.stream().anyMatch(k::contains);
    }

    /** Replaces a secret value by this in messages and logs. */
    public static final String HIDDEN = "(hidden)";

    /**
     * A command-line argument with a secret value hidden: {@code KEY=VALUE} and
     * {@code --set=KEY=VALUE} whose key looks like a secret show {@code KEY=(hidden)}.
     */
    public static String maskArgument(String arg) {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            return arg;
        }
        String key = arg.substring(0, eq);
        if (key.startsWith("-")) {
            return key + "=" + maskArgument(arg.substring(eq + 1));
        }
        return isSecret(key) ? key + "=" + HIDDEN : arg;
    }
}
