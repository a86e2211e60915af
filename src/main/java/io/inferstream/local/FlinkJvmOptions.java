package io.inferstream.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Flink's Java 17 add-opens/add-exports list, read from the one file that the tests' JVMs and
 * bin/inferstream also read (a java @argfile on the class path).
 */
public final class FlinkJvmOptions {
    /** Absolute, so the file stays put whichever package reads it. */
    public static final String RESOURCE = "/io/inferstream/flink-jvm-options";

    private FlinkJvmOptions() {}

    /** The options in file order, without the comments. */
    public static List<String> java17() {
        try (InputStream in = FlinkJvmOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "class-path resource " + RESOURCE + " is missing; expected it in src/main/resources");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path resource " + RESOURCE, e);
        }
    }

    /**
     * The part of the @argfile format the file uses: options separated by white space, and
     * comment lines starting with #. Quotes would mean more of the format, so they are refused.
     */
    static List<String> parse(String text) {
        List<String> options = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.contains("\"") || trimmed.contains("'") || trimmed.contains("#")) {
                throw new IllegalStateException("line '" + trimmed + "' of " + RESOURCE
                        + " holds a quote or a #; expected plain options, with comments on lines of their own");
            }
            options.addAll(List.of(trimmed.split("\\s+")));
        }
        return List.copyOf(options);
    }
}
