package io.inferstream.cli;

import io.inferstream.kafka.LocalKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
        Path dir = temporary ? Files.createTempDirectory(RunDirs.base(), "broker-") : dataDir;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir, port, temporary)) {
            System.out.println("Kafka broker ready: " + broker.bootstrapServers() + " (pid " + broker.pid() + ", data "
                    + dir + "). Ctrl-C stops it.");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }
}
