package io.inferstream.cli;

import io.inferstream.local.LocalKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts a local single-node Kafka broker and keeps it up until Ctrl-C. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Start a local single-node Kafka broker (KRaft), print its address, run until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {

    @Option(
            names = "--port",
            defaultValue = "9092",
            description = "Client port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--data-dir",
            description =
                    "Where the broker keeps its logs; kept after exit. Default: a fresh folder under target/, deleted on exit.")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory(RunDirs.scratch(), "broker-") : dataDir;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir, port, temporary)) {
            System.out.println("Kafka broker ready: " + broker.bootstrapServers() + " (pid " + broker.pid() + ", data "
                    + dir + "). Ctrl-C stops it.");
            // Ctrl-C stops the broker through its shutdown hook; any other exit of it is a failure.
            AtomicBoolean shuttingDown = new AtomicBoolean();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shuttingDown.set(true)));
            Process exited = broker.onExit().get();
            // A terminal's Ctrl-C reaches the broker too, which may exit before this JVM's hooks run.
            Thread.sleep(500);
            if (broker.isClosed() || shuttingDown.get()) {
                return 0;
            }
            System.err.println("error: the Kafka broker exited with code " + exited.exitValue() + " while in use; "
                    + broker.logTail());
            return 1;
        }
    }
}
