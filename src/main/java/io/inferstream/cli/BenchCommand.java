package io.inferstream.cli;

import io.inferstream.bench.ImageBenchmark;
import io.inferstream.kafka.LocalKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a benchmark and prints its numbers; a measurement, never a test. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark a job end to end against a local Kafka broker; prints a Markdown table.")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "What to benchmark: images.")
    String what;

    @Option(
            names = "--images",
            defaultValue = "100000",
            description = "Images in the backlog per scenario (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--batch-size",
            defaultValue = "64",
            description = "Batch size of the job as built (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--model",
            defaultValue = "models/fashion-cnn.onnx",
            description = "ONNX model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--latency-rate",
            defaultValue = "200",
            description = "Images/s for the latency runs (default: ${DEFAULT-VALUE}).")
    int latencyRate;

    @Option(
            names = "--latency-seconds",
            defaultValue = "15",
            description = "Length of each latency run (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--bootstrap", description = "Use this Kafka cluster instead of starting a local broker.")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        if (!what.equals("images")) {
            throw new IllegalArgumentException("benchmark '" + what + "': expected images");
        }
        System.out.printf(
                "machine: %d cores, %s %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"));
        if (bootstrap != null) {
            new ImageBenchmark(bootstrap, model, images, batchSize, System.out).runAll(latencyRate, latencySeconds);
            return 0;
        }
        Path dir = Files.createTempDirectory(RunDirs.base(), "bench-");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), 0, true)) {
            new ImageBenchmark(broker.bootstrapServers(), model, images, batchSize, System.out)
                    .runAll(latencyRate, latencySeconds);
        } finally {
            FileTrees.deleteQuietly(dir);
        }
        return 0;
    }
}
