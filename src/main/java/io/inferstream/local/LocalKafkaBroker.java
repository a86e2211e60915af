package io.inferstream.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft combined mode on 127.0.0.1) running as a child JVM, for
 * the demo, the command line and tests.
 *
 * <p>The broker's class path is read from the file named by system property {@code
 * inferstream.classpath.file} (default {@code target/classpath.txt}, written by the build), since
 * the broker jars are kept out of the job jar. Everything the broker writes, its log included,
 * stays in the data directory.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final Path dataDir;
    private final String bootstrapServers;
    private final boolean deleteOnClose;
    private final Thread shutdownHook;
    private boolean closed;

    private int saslPort;

    private LocalKafkaBroker(Process process, Path dataDir, int port, boolean deleteOnClose) {
        this.process = process;
        this.dataDir = dataDir;
        this.bootstrapServers = BrokerConfigFiles.HOST + ":" + port;
        this.deleteOnClose = deleteOnClose;
        // Ctrl-C of the parent must not leave an orphaned broker holding its port and data dir.
        this.shutdownHook = new Thread(this::close, "stop-kafka-broker-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Formats {@code dataDir} if needed, starts the broker and returns once it answers {@code
     * describeCluster}.
     *
     * @param dataDir directory for the broker's logs, configuration and temporary files; created if
     *     missing, and an already formatted one is reused with its topics
     * @param port the client port on 127.0.0.1, or 0 to pick a free one
     * @param deleteOnClose whether {@link #close()} deletes {@code dataDir}
     * @throws IllegalStateException when the class-path file is missing, or the broker exits or is
     *     not ready within 60 s; the message then holds the tail of its log, the child is stopped and
     *     {@code dataDir} is kept for inspection
     */
    public static LocalKafkaBroker start(Path dataDir, int port, boolean deleteOnClose) {
        return start(dataDir, port, deleteOnClose, Map.of());
    }

    /**
     * As {@link #start(Path, int, boolean)}, plus a second listener that requires SASL/PLAIN
     * authentication for these users and passwords ({@link #saslBootstrapServers()}); an empty
     * map adds none.
     */
    public static LocalKafkaBroker start(Path dataDir, int port, boolean deleteOnClose, Map<String, String> saslUsers) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port is " + port + "; expected 0 (any free port) to 65535");
        }
        String classPath = ChildJvm.classPath(ChildJvm.classPathFile());
        Path dir = dataDir.toAbsolutePath();
        int brokerPort = port == 0 ? LocalPorts.free() : requireFree(port);
        int controllerPort = LocalPorts.freeExcept(brokerPort);
        int saslPort = saslUsers.isEmpty() ? 0 : LocalPorts.freeExcept(controllerPort);
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create broker data dir " + dir, e);
        }
        BrokerConfigFiles.write(
                dir.resolve("server.properties"),
                BrokerConfigFiles.serverProperties(dir, brokerPort, controllerPort, saslPort, saslUsers));
        BrokerConfigFiles.write(dir.resolve("log4j2.properties"), BrokerConfigFiles.log4jProperties(dir));

        long startNanos = System.nanoTime();
        format(dir, classPath);
        Process process = launch(
                dir,
                classPath,
                "-Xmx512m",
                "kafka.Kafka",
                dir.resolve("server.properties").toString());
        LocalKafkaBroker broker = new LocalKafkaBroker(process, dir, brokerPort, deleteOnClose);
        broker.saslPort = saslPort;
        try {
            broker.awaitReady();
        } catch (RuntimeException e) {
            broker.stopAfterFailedStart();
            throw e;
        }
        LOG.info(
                "Kafka broker pid {} ready at {} after {} ms, data in {}",
                process.pid(),
                broker.bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                dir);
        return broker;
    }

    /** The address of the SASL/PLAIN listener, when the broker was started with users. */
    public String saslBootstrapServers() {
        if (saslPort == 0) {
            throw new IllegalStateException("this broker has no SASL listener; start it with users to get one");
        }
        return BrokerConfigFiles.HOST + ":" + saslPort;
    }

    /** The {@code bootstrap.servers} value for clients, {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The process id of the broker's JVM. */
    public long pid() {
        return process.pid();
    }

    /**
     * Completes when the broker's JVM exits, by {@link #close()} or on its own (a crash, a kill);
     * {@link #isClosed()} tells which.
     */
    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Whether {@link #close()} was called (by the owner or the shutdown hook). */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** The last lines of the broker's console output and log, to tell why it stopped. */
    public String logTail() {
        return failure("Kafka broker pid " + process.pid(), dataDir).getMessage();
    }

    /** The absolute data directory: topic logs, configuration, {@code broker.log} and {@code broker.out}. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Stops the broker (SIGTERM, then a forced kill after 15 s), waits for it to exit and deletes the
     * data directory if asked to at start. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeShutdownHook();
        stopProcess();
        if (deleteOnClose) {
            FileTrees.delete(dataDir);
        }
    }

    /** Stops the child but keeps the data dir whatever deleteOnClose says: its logs explain the failure. */
    private synchronized void stopAfterFailedStart() {
        closed = true;
        removeShutdownHook();
        stopProcess();
    }

    /** Runs the storage tool, which writes the cluster id and metadata log the broker refuses to start without. */
    private static void format(Path dir, String classPath) {
        // A data dir kept from an earlier run is reused with its topics. Formatting it again, even with
        // --ignore-formatted, fails in Kafka 4.2 because the new random cluster id differs from the stored one.
        if (Files.exists(dir.resolve(BrokerConfigFiles.LOG_DIR).resolve("meta.properties"))) {
            return;
        }
        List<String> args = List.of(
                "kafka.tools.StorageTool",
                "format",
                "--config",
                dir.resolve("server.properties").toString(),
                "--cluster-id",
                Uuid.randomUuid().toString());
        Process format = launch(dir, classPath, "-Xmx256m", args.toArray(String[]::new));
        try {
            if (!format.waitFor(FORMAT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                format.destroyForcibly().waitFor();
                throw failure("Formatting " + dir + " took longer than " + FORMAT_TIMEOUT.toSeconds() + " s", dir);
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting " + dir, e);
        }
        if (format.exitValue() != 0) {
            throw failure("Formatting " + dir + " exited with code " + format.exitValue() + ", expected 0", dir);
        }
    }

    private static Process launch(Path dir, String classPath, String heap, String... mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(
                ChildJvm.javaExecutable(),
                heap,
                "-XX:+ExitOnOutOfMemoryError",
                // No hsperfdata file in /tmp: nothing the broker does may leave files outside its data dir.
                "-XX:-UsePerfData",
                "-Djava.awt.headless=true",
                "-Djava.io.tmpdir=" + dir.resolve("tmp"),
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-cp",
                ParentWatch.classPathEntry(dir.resolve("parent-watch")) + File.pathSeparator + classPath));
        // The broker exits with this JVM, even when this one is killed with SIGKILL.
        command.addAll(ParentWatch.mainOf(mainAndArgs[0]));
        command.addAll(List.of(mainAndArgs).subList(1, mainAndArgs.length));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("broker.out").toFile()));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command.get(0) + " " + mainAndArgs[0], e);
        }
    }

    /** Waits until the port accepts connections, then until the broker answers describeCluster. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        // Polling the socket first keeps the admin client from logging a warning per refused connection.
        while (!accepts(port)) {
            checkAliveBefore(deadline);
            sleep(100);
        }
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(config)) {
            while (true) {
                checkAliveBefore(deadline);
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                            .nodes()
                            .get(6, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // Not serving metadata yet; try again until the deadline.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the Kafka broker in " + dataDir, e);
                }
                sleep(200);
            }
        }
    }

    private void checkAliveBefore(long deadline) {
        if (!process.isAlive()) {
            throw failure(
                    "Kafka broker pid " + process.pid() + " exited with code " + process.exitValue()
                            + " before it was ready",
                    dataDir);
        }
        if (System.nanoTime() > deadline) {
            throw failure(
                    "Kafka broker pid " + process.pid() + " at " + bootstrapServers + " was not ready within "
                            + READY_TIMEOUT.toSeconds() + " s",
                    dataDir);
        }
    }

    private void stopProcess() {
        try {
            process.destroy();
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn(
                        "Kafka broker pid {} did not stop within {} s of SIGTERM; killing it",
                        process.pid(),
                        STOP_GRACE.toSeconds());
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down, possibly running this very hook: nothing to remove.
        }
    }

    private static IllegalStateException failure(String what, Path dir) {
        String nl = System.lineSeparator();
        return new IllegalStateException(what + "." + nl
                + "--- tail of " + dir.resolve("broker.out") + " ---" + nl
                + ChildJvm.tail(dir.resolve("broker.out"), LOG_TAIL_LINES) + nl
                + "--- tail of " + dir.resolve("broker.log") + " ---" + nl
                + ChildJvm.tail(dir.resolve("broker.log"), LOG_TAIL_LINES));
    }

    /** A port that was free a moment ago on 127.0.0.1, different from {@code notThis}. */

    /** Fails fast on a taken port: the broker would exit, or worse, clients would reach another server. */
    private static int requireFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(BrokerConfigFiles.HOST))) {
            return port;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "port " + port + " on " + BrokerConfigFiles.HOST
                            + " is in use; expected a free port, or 0 to pick one",
                    e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(BrokerConfigFiles.HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }
}
