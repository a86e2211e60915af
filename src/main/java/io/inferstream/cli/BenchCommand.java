package io.inferstream.cli;

import io.inferstream.bench.ImageBenchmark;
import io.inferstream.bench.ImageInferenceBenchmark;
import io.inferstream.bench.SqlBenchmark;
import io.inferstream.bench.SqlTickBenchmark;
import io.inferstream.bench.TickBenchmark;
import io.inferstream.bench.TickScenarios;
import io.inferstream.config.OnnxSettings;
import io.inferstream.config.Settings;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxSessions;
import io.inferstream.local.FileTrees;
import io.inferstream.local.LocalKafkaBroker;
import io.inferstream.local.LocalPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    private static final int IMAGE_BATCH = 64;

    @Parameters(
            index = "0",
            description = "What to benchmark: images, ticks, sql (the image model through ML_PREDICT; takes"
                    + " --images, --batch-size and --model), or sql-ticks (the SQL function RNN_FORECAST"
                    + " against the tick job; --keys, --steps and the first --hidden size).")
    String what;

    @Option(
            names = "--images",
            defaultValue = "100000",
            description = "images: images in the backlog per scenario (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--batch-size",
            split = ",",
            description = "images: batch size of the job as built (default: " + IMAGE_BATCH
                    + "); with --inference-only, a list such as 1,8,64; ticks always measure the job as built,"
                    + " batch " + TickBenchmark.BATCH + ".")
    List<Integer> batchSizes;

    @Option(
            names = "--execution-provider",
            split = ",",
            defaultValue = "cpu",
            description = "cpu or cuda (onnx.execution-provider; cuda needs the -Pgpu build); with --inference-only,"
                    + " a list such as cpu,cuda (default: ${DEFAULT-VALUE}).")
    List<String> executionProviders;

    @Option(
            names = "--cuda-device-id",
            defaultValue = "0",
            description = "The GPU of the cuda provider (onnx.cuda.device-id; default: ${DEFAULT-VALUE}).")
    int cudaDeviceId;

    @Option(
            names = "--inference-only",
            description = "images: only ONNX Runtime alone on decoded images, at each --batch-size and"
                    + " --execution-provider; no broker, no job.")
    boolean inferenceOnly;

    @Option(names = "--model", description = "images: ONNX model (default: models/fashion-cnn.onnx).")
    String model;

    @Option(
            names = "--latency-rate",
            defaultValue = "200",
            description = "images: images/s for the latency runs (default: ${DEFAULT-VALUE}).")
    int latencyRate;

    @Option(
            names = "--latency-seconds",
            defaultValue = "15",
            description =
                    "images, and ticks' scenario latency: length of each latency run (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(
            names = "--keys",
            defaultValue = "10000",
            description = "ticks: keys in the backlog (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(
            names = "--steps",
            defaultValue = "100",
            description = "ticks: ticks per key in the backlog (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--hidden",
            split = ",",
            defaultValue = "64,256",
            description = "ticks: hidden sizes of the random cells (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(
            names = "--checkpoint-keys",
            defaultValue = "1000000",
            description = "ticks: keys of the RocksDB checkpoint run, 0 to skip it (default: ${DEFAULT-VALUE}).")
    int checkpointKeys;

    @Option(
            names = "--horizon",
            defaultValue = "1",
            description = "ticks: also measure the job forecasting this many ticks ahead (forecast.horizon) against"
                    + " horizon 1, on the same backlog (default: ${DEFAULT-VALUE}, off).")
    int horizon;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "ticks: a job setting (a key of jobs/tick-forecaster.yaml, kafka.properties.*, flink.*) for"
                    + " every job the benchmark runs, e.g. --set kafka.properties.batch.size=16384 or --set"
                    + " flink.state.backend.rocksdb.use-bloom-filter=true; repeatable; checked before a broker starts.")
    Map<String, String> jobSettings = new LinkedHashMap<>();

    @Option(
            names = "--scenarios",
            split = ",",
            description = "ticks: which scenarios, or all: job (the table by hidden size), checkpoint, input-limit"
                    + " (a bare consumer parsing the backlog), stages (the job cut after each stage), peer (a Kafka Streams application), scaling"
                    + " (--parallelism), state (--state-keys on RocksDB against --heap-keys on the heap), latency"
                    + " (--latency-rates); default: job,checkpoint. images: scaling runs only the scaling table.")
    List<String> scenarios;

    @Option(
            names = "--parallelism",
            split = ",",
            defaultValue = "1,2",
            description = "scenario scaling: the parallelisms to compare (default: ${DEFAULT-VALUE}).")
    List<Integer> parallelisms;

    @Option(
            names = "--state-keys",
            defaultValue = "1000000",
            description = "ticks, scenario state: keys on RocksDB (default: ${DEFAULT-VALUE}).")
    int stateKeys;

    @Option(
            names = "--state-steps",
            defaultValue = "20",
            description = "ticks, scenario state: ticks per key on RocksDB (default: ${DEFAULT-VALUE}).")
    int stateSteps;

    @Option(
            names = "--heap-keys",
            defaultValue = "10000",
            description = "ticks, scenario state: keys on the heap, stepped as often as makes the same tick count"
                    + " (default: ${DEFAULT-VALUE}).")
    int heapKeys;

    @Option(
            names = "--latency-rates",
            split = ",",
            defaultValue = "10000,100000",
            description = "ticks, scenario latency: ticks/s of the runs (default: ${DEFAULT-VALUE}); each run lasts"
                    + " --latency-seconds.")
    List<Integer> latencyRates;

    @Option(names = "--bootstrap", description = "Use this Kafka cluster instead of starting a local broker.")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        if (!what.equals("images") && !what.equals("ticks") && !what.equals("sql") && !what.equals("sql-ticks")) {
            throw new IllegalArgumentException("benchmark '" + what + "': expected images, ticks, sql or sql-ticks");
        }
        boolean tickBench = what.equals("ticks") || what.equals("sql-ticks");
        if (tickBench && (model != null || batchSizes != null || inferenceOnly)) {
            throw new IllegalArgumentException("--model, --batch-size and --inference-only apply to bench images;"
                    + " bench ticks measures random cells (--hidden) in the job as built, batch "
                    + TickBenchmark.BATCH);
        }
        // Checked here, before a broker starts.
        List<OnnxOptions> providers = providers();
        List<Integer> batches = batchSizes != null ? batchSizes : List.of(IMAGE_BATCH);
        if (batches.stream().anyMatch(b -> b < 1 || b > 4096)) {
            throw new IllegalArgumentException("--batch-size " + batches + ": expected each between 1 and 4096");
        }
        if (!inferenceOnly && (providers.size() != 1 || batches.size() != 1)) {
            throw new IllegalArgumentException("--execution-provider " + executionProviders + " --batch-size " + batches
                    + ": expected one of each, or lists with --inference-only");
        }
        TickBenchmark.Settings ticks =
                tickBench ? new TickBenchmark.Settings(keys, steps, hidden, checkpointKeys, providers.get(0)) : null;
        TickScenarios tickScenarios = tickScenarios();
        if (!jobSettings.isEmpty()) {
            if (!what.equals("ticks")) {
                throw new IllegalArgumentException("--set " + jobSettings.keySet() + ": applies to bench ticks only");
            }
            TickBenchmark.checkJobSettings(jobSettings);
        }
        System.out.printf(
                "machine: %d cores, %s %s, Java %s, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                OnnxSessions.runtimeName());
        if (inferenceOnly) {
            new ImageInferenceBenchmark(modelPath(), images, System.out).runAll(providers, batches);
            return 0;
        }
        // Models, checkpoints and the local broker's data live here, under target/, and go at the end.
        Path dir = Files.createTempDirectory(RunDirs.scratch(), "bench-");
        try {
            if (bootstrap != null) {
                run(bootstrap, dir, ticks, tickScenarios, batches.get(0), providers.get(0));
                return 0;
            }
            try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), 0, true)) {
                run(broker.bootstrapServers(), dir, ticks, tickScenarios, batches.get(0), providers.get(0));
            }
        } finally {
            FileTrees.deleteQuietly(dir);
        }
        return 0;
    }

    /** The chosen benchmark against {@code servers}; {@code batch} and {@code onnx} as checked in {@link #call}. */
    private void run(
            String servers,
            Path dir,
            TickBenchmark.Settings ticks,
            TickScenarios tickScenarios,
            int batch,
            OnnxOptions onnx)
            throws Exception {
        if (what.equals("sql")) {
            new SqlBenchmark(servers, modelPath(), images, batch, onnx, System.out).runAll();
        } else if (ticks == null) {
            ImageBenchmark bench = new ImageBenchmark(servers, modelPath(), images, batch, onnx, System.out);
            if (tickScenarios.has(TickScenarios.SCALING)) {
                bench.scaling(tickScenarios.parallelisms());
            } else {
                bench.runAll(latencyRate, latencySeconds);
            }
        } else if (what.equals("sql-ticks")) {
            new SqlTickBenchmark(servers, ticks, dir.resolve("sql-ticks"), System.out).runAll();
        } else {
            new TickBenchmark(servers, ticks, dir.resolve("ticks"), System.out)
                    .withHorizon(horizon)
                    .withJobSettings(jobSettings)
                    .runAll(LocalPorts.free(), tickScenarios);
        }
    }

    /** --scenarios and the sizes of each, checked before a broker starts. */
    private TickScenarios tickScenarios() {
        List<String> names = scenarios != null ? scenarios : List.copyOf(TickScenarios.DEFAULT.names());
        if (what.equals("images") && scenarios != null && !scenarios.equals(List.of(TickScenarios.SCALING))) {
            throw new IllegalArgumentException(
                    "--scenarios " + scenarios + ": bench images takes only scaling (or no --scenarios)");
        }
        return new TickScenarios(
                new LinkedHashSet<>(names),
                stateKeys,
                stateSteps,
                heapKeys,
                latencyRates,
                latencySeconds,
                parallelisms);
    }

    private String modelPath() {
        return model != null ? model : "models/fashion-cnn.onnx";
    }

    /** Each --execution-provider, read and checked as the jobs read onnx.* keys. */
    private List<OnnxOptions> providers() {
        List<OnnxOptions> providers = new ArrayList<>();
        for (String provider : executionProviders) {
            providers.add(OnnxSettings.read(new Settings(
                    Map.of(OnnxSettings.PROVIDER, provider, OnnxSettings.DEVICE_ID, Integer.toString(cudaDeviceId)))));
        }
        return providers;
    }
}
