package io.inferstream.bench;

import io.inferstream.kafka.Topics;
import io.inferstream.local.ChildJvm;
import io.inferstream.local.ParentWatch;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Kafka Streams peer ({@link StreamsPeer}) in a JVM of its own, as a Kafka Streams
 * application runs: on the project's class path without Flink's frocksdbjni, with kafka-streams'
 * own rocksdbjni from {@code target/bench-lib} in its place (both are package
 * {@code org.rocksdb}). Stopped, and its state folder left under {@code dir}, on close.
 */
public final class StreamsPeerProcess implements AutoCloseable {
    /** Where the build copies kafka-streams' rocksdbjni (pom.xml: streams-peer-rocksdb). */
    static final Path BENCH_LIB = Path.of("target", "bench-lib");

    private final Process process;
    private final Path log;

    private StreamsPeerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the peer reading {@code input} from its start and writing forecasts to {@code output}
     * (dead letters to output.dlq), with state and log under {@code dir}.
     */
    public static StreamsPeerProcess start(
            String bootstrap, String input, String output, Path model, String mode, Path dir) {
        return start(bootstrap, input, output, model, mode, dir, 0);
    }

    /**
     * As above, after a warm-up instance of the peer in the same JVM has forecast
     * {@code warmUpTicks} ticks of {@code input} into topics of its own (made here).
     */
    public static StreamsPeerProcess start(
            String bootstrap, String input, String output, Path model, String mode, Path dir, long warmUpTicks) {
        if (warmUpTicks > 0) {
            String warm = output + StreamsPeer.WARM_UP;
            Topics.ensure(bootstrap, Map.of(warm, 2, warm + ".dlq", 2));
        }
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        List<String> command = new ArrayList<>(List.of(
                ChildJvm.javaExecutable(),
                "-Xmx1g",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + dir.resolve("tmp").toAbsolutePath(),
                "-cp",
                classPath(dir)));
        command.addAll(ParentWatch.mainOf(StreamsPeer.class.getName()));
        command.addAll(List.of(
                bootstrap,
                "peer-" + output,
                input,
                output,
                model.toAbsolutePath().toString(),
                mode,
                dir.resolve("state").toAbsolutePath().toString(),
                Long.toString(warmUpTicks)));
        Path log = dir.resolve("peer.out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new StreamsPeerProcess(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0) + " " + StreamsPeer.class.getName(), e);
        }
    }

    /** The peer's class path: the project's, with kafka-streams' rocksdbjni in place of Flink's frocksdbjni. */
    static String classPath(Path dir) {
        Path rocksdb;
        try (Stream<Path> jars = Files.list(BENCH_LIB)) {
            rocksdb = jars.filter(p -> p.getFileName().toString().startsWith("rocksdbjni-"))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException | java.util.NoSuchElementException e) {
            throw new IllegalStateException(
                    "no rocksdbjni jar in " + BENCH_LIB.toAbsolutePath()
                            + "; expected the one the build copies there (./mvnw -q -DskipTests compile)",
                    e);
        }
        String project = Arrays.stream(
                        ChildJvm.classPath(ChildJvm.classPathFile()).split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("frocksdbjni-"))
                .collect(Collectors.joining(File.pathSeparator));
        return String.join(
                File.pathSeparator,
                ParentWatch.classPathEntry(dir.resolve("parent-watch")).toString(),
                rocksdb.toAbsolutePath().toString(),
                Path.of("target", "classes").toAbsolutePath().toString(),
                project);
    }

    /** The process id, to read its memory from /proc. */
    public long pid() {
        return process.pid();
    }

    /** Fails, with the end of the peer's log, when the peer has exited. */
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the Kafka Streams peer exited with code " + process.exitValue()
                    + "; the end of its log " + log + ":\n" + ChildJvm.tail(log, 40));
        }
    }

    /** The end of the peer's log. */
    public String logTail() {
        return ChildJvm.tail(log, 40);
    }

    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
