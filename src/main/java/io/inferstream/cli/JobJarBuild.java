package io.inferstream.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds the project's job jar when it is missing or older than its sources, by the rule
 * bin/inferstream applies to target/classes: anything under src/main or schemas, or pom.xml,
 * newer than the jar.
 */
final class JobJarBuild {
    /** What the sources of the jar are, relative to the project root. */
    static final List<String> SOURCES = List.of("pom.xml", "src/main", "schemas");

    private JobJarBuild() {}

    /**
     * Why {@code jar} (relative to {@code root}, or absolute) needs building: it is missing, or the first source file found that is
     * newer than it. Empty when the jar is up to date.
     */
    static Optional<String> staleness(Path root, Path jar) {
        Path jarFile = root.resolve(jar);
        if (!Files.isRegularFile(jarFile)) {
            return Optional.of(jar + " does not exist");
        }
        try {
            FileTime built = Files.getLastModifiedTime(jarFile);
            for (String source : SOURCES) {
                Path path = root.resolve(source);
                if (!Files.exists(path)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(path)) {
                    Optional<Path> newer = files.filter(Files::isRegularFile)
                            .filter(f -> modified(f).compareTo(built) > 0)
                            .findFirst();
                    if (newer.isPresent()) {
                        return Optional.of(root.relativize(newer.get()) + " changed after " + jar + " was built");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compare " + jar + " with the sources under " + root, e);
        }
    }

    /**
     * Runs {@code ./mvnw package} (no tests) in {@code root} when {@link #staleness} says so,
     * saying why on {@code log}; with INFERSTREAM_BUILD_ARGS, as the launcher's build takes them.
     */
    static void buildIfStale(Path root, Path jar, PrintStream log) throws IOException, InterruptedException {
        Optional<String> why = staleness(root, jar);
        if (why.isEmpty()) {
            return;
        }
        List<String> command =
                new ArrayList<>(List.of("./mvnw", "-q", "-B", "-DskipTests", "-Dspotless.check.skip=true"));
        String buildArgs =
                System.getenv().getOrDefault("INFERSTREAM_BUILD_ARGS", "").strip();
        if (!buildArgs.isEmpty()) {
            command.addAll(List.of(buildArgs.split("\\s+")));
        }
        command.add("package");
        log.println("Building the job jar (" + why.get() + "): " + String.join(" ", command) + " ...");
        int exit = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start()
                .waitFor();
        if (exit != 0) {
            throw new IllegalStateException("building the job jar failed: `" + String.join(" ", command)
                    + "` exited with " + exit + "; expected 0 (its output is above)");
        }
        if (!Files.isRegularFile(root.resolve(jar))) {
            throw new IllegalStateException(
                    "the build succeeded but left no " + jar + "; expected the shade plugin's job jar there");
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the time of " + file, e);
        }
    }
}
