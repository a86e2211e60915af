package io.inferstream.bench;

import io.inferstream.config.ConfigException;
import io.inferstream.config.TickJobConfig;
import io.inferstream.demo.rnn.DemoRnnTrainer;
import io.inferstream.demo.rnn.SyntheticTicks;
import io.inferstream.flink.RnnStepOperator;
import io.inferstream.flink.TickJobPipeline;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.kafka.Topics;
import io.inferstream.local.KafkaClients;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Measures the tick job side by side in one run, per hidden size: the job as built, the same job
 * with inference replaced by a pass-through (the Kafka and Flink ceiling), ONNX Runtime alone
 * stepping the same cell (the inference ceiling), and one ONNX call per tick; then the size and
 * duration of a RocksDB checkpoint holding a million keys.
 */
public final class TickBenchmark {
    /** Batch size of the job as built. */
    public static final int BATCH = TickJobConfig.DEFAULT_MAX_BATCH_SIZE;

    private static final int PARTITIONS = 2;
    private static final long SEED = 2026L;
    private static final int CHECKPOINT_HIDDEN = 64;

    /**
     * What to measure, checked before anything starts.
     *
     * @param keys series in the backlog, and keys per event-time second of the checkpoint run
     * @param steps ticks per key in the backlog
     * @param hiddenSizes of the random cells measured
     * @param checkpointKeys keys of the RocksDB checkpoint run; 0 skips it
     * @param onnx the execution provider of every session, in the job and alone
     */
    public record Settings(int keys, int steps, List<Integer> hiddenSizes, int checkpointKeys, OnnxOptions onnx) {
        public Settings {
            if (keys < 1 || steps < 1 || (long) keys * steps > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("backlog of " + keys + " keys x " + steps
                        + " steps; expected at least 1 of each and at most " + Integer.MAX_VALUE + " ticks");
            }
            if (hiddenSizes.isEmpty() || hiddenSizes.stream().anyMatch(h -> h < 1)) {
                throw new IllegalArgumentException(
                        "hidden sizes " + hiddenSizes + "; expected one or more, each at least 1");
            }
            if (checkpointKeys < 0) {
                throw new IllegalArgumentException(
                        "checkpoint keys " + checkpointKeys + "; expected 0 (skip the run) or more");
            }
            hiddenSizes = List.copyOf(hiddenSizes);
        }
    }

    private final String bootstrap;
    private final Settings settings;
    private final int keys;
    private final int steps;
    private final Path workDir;
    private final PrintStream out;
    private final SyntheticTicks series = new SyntheticTicks(SEED);
    private int run;
    /** Above 1: also the job forecasting this many ticks ahead against horizon 1. */
    private int horizon = 1;
    /** Settings every benchmark job gets on top of the job as built. */
    private Map<String, String> jobSettings = Map.of();

    /** A benchmark against the Kafka cluster at {@code bootstrap}; models and checkpoints go to {@code workDir}. */
    public TickBenchmark(String bootstrap, Settings settings, Path workDir, PrintStream out) {
        this.bootstrap = bootstrap;
        this.settings = settings;
        this.keys = settings.keys();
        this.steps = settings.steps();
        this.workDir = workDir;
        this.out = out;
    }

    /**
     * Also measures, per hidden size, the job with {@code forecast.horizon: k} against the job
     * with horizon 1 on the same backlog, alternating them; 1 (the default) skips that.
     */
    public TickBenchmark withHorizon(int k) {
        if (k < 1 || k > 1000) {
            throw new IllegalArgumentException("horizon " + k + "; expected 1 (off) to 1000 ticks ahead");
        }
        this.horizon = k;
        return this;
    }

    /**
     * Gives every job the benchmark runs these settings too (keys of the tick job's
     * configuration): to measure a setting against the default, run the benchmark with and
     * without it.
     */
    public TickBenchmark withJobSettings(Map<String, String> values) {
        this.jobSettings = Map.copyOf(values);
        return this;
    }

    /**
     * Fails, naming the setting, where the tick job would refuse {@code values} on top of a
     * benchmark job's own settings: checked before a broker starts and a backlog is written.
     */
    public static void checkJobSettings(Map<String, String> values) {
        Map<String, Object> job = BenchRuns.jobSettings(
                "localhost:9092", "input", "output", "models/sensor-esn.onnx", BATCH, OnnxOptions.CPU);
        job.putAll(values);
        try {
            TickJobConfig.from(job);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--set " + values + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #withJobSettings} gave every job. */
    Map<String, String> jobSettings() {
        return jobSettings;
    }

    /** One hidden size's results, in ticks per second. */
    private record Row(int hidden, BenchRuns.Best asBuilt, double onnxAlone, double batchOne) {}

    /**
     * Runs every throughput scenario at each hidden size and prints a Markdown table; then the
     * RocksDB checkpoint run, unless skipped, with Flink's REST API on {@code restPort}.
     */
    public void runAll(int restPort) throws Exception {
        runAll(restPort, TickScenarios.DEFAULT);
    }

    /**
     * Runs the chosen scenarios, each printing its own Markdown table: the job table and the
     * checkpoint run as above, and those of {@link TickScenarios}, with Flink's REST API on
     * {@code restPort} where a scenario reads checkpoint statistics.
     */
    public void runAll(int restPort, TickScenarios scenarios) throws Exception {
        List<Integer> hiddenSizes = settings.hiddenSizes();
        if (scenarios.needsBacklog()) {
            String backlog = "bench-ticks-" + System.currentTimeMillis();
            Topics.ensure(bootstrap, Map.of(backlog, PARTITIONS));
            int ticks = keys * steps;
            produce(backlog, ticks, keys, keys);
            out.printf(
                    "%d JSON ticks (%d keys x %d steps, event-time order) in '%s'; ONNX Runtime on %s%n",
                    ticks, keys, steps, backlog, settings.onnx().describe());

            // The first job in a JVM pays for class loading and JIT compilation: run one unreported.
            out.println("  warm-up run (not reported):");
            backlogThroughput(backlog, model(hiddenSizes.get(0)), BATCH, true);
            if (scenarios.has(TickScenarios.JOB)) {
                Row[] rows = new Row[hiddenSizes.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = measure(backlog, hiddenSizes.get(i));
                }
                printTable(rows);
            }
            scenarios.runOnBacklog(this, backlog, model(hiddenSizes.get(0)));
            if (horizon > 1) {
                horizonTable(backlog, hiddenSizes);
            }
        }
        if (scenarios.has(TickScenarios.CHECKPOINT) && settings.checkpointKeys() > 0) {
            new TickCheckpointRun(this, settings.checkpointKeys(), restPort).run(model(CHECKPOINT_HIDDEN));
        }
        scenarios.runOwnInputs(this, model(CHECKPOINT_HIDDEN));
    }

    private Row measure(String backlog, int hidden) throws Exception {
        out.printf("hidden size %d:%n", hidden);
        String model = model(hidden);
        BenchRuns.Best best = BenchRuns.alternate(
                () -> backlogThroughput(backlog, model, BATCH, true),
                () -> backlogThroughput(backlog, model, BATCH, false));
        double onnxAlone = onnxAlone(model, hidden);
        double batchOne = backlogThroughput(backlog, model, 1, true);
        return new Row(hidden, best, onnxAlone, batchOne);
    }

    private void printTable(Row[] rows) {
        out.println();
        out.printf("Ticks/s end to end, %d keys, exactly-once, hashmap state; (c) is ONNX Runtime alone.%n%n", keys);
        out.printf(
                "| hidden | (a) job, batch %d | (b) pass-through | (a)/(b) | (c) ONNX alone, batch %d"
                        + " | (d) job, batch 1 | (a)/(d) |%n",
                BATCH, BATCH);
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            out.printf(
                    "| %d | %.0f | %.0f | %.0f%% | %.0f | %.0f | %.1fx |%n",
                    r.hidden(),
                    r.asBuilt().job(),
                    r.asBuilt().ceiling(),
                    r.asBuilt().percentOfCeiling(),
                    r.onnxAlone(),
                    r.batchOne(),
                    r.asBuilt().job() / r.batchOne());
        }
    }

    /** The job forecasting {@code horizon} ticks ahead against horizon 1, best of two runs each. */
    private void horizonTable(String backlog, List<Integer> hiddenSizes) throws Exception {
        StringBuilder table = new StringBuilder();
        for (int hidden : hiddenSizes) {
            out.printf("hidden size %d, horizon %d against 1:%n", hidden, horizon);
            String model = model(hidden);
            BenchRuns.Best best = BenchRuns.alternate(
                    () -> backlogThroughput(backlog, model, BATCH, true, horizon),
                    () -> backlogThroughput(backlog, model, BATCH, true, 1));
            table.append(String.format(
                    "| %d | %.0f | %.0f | %.0f%% |%n", hidden, best.ceiling(), best.job(), best.percentOfCeiling()));
        }
        out.println();
        out.printf("Ticks/s end to end, %d keys, batch %d: forecast.horizon %d against 1.%n%n", keys, BATCH, horizon);
        out.printf("| hidden | horizon 1 | horizon %d | ratio |%n", horizon);
        out.println("|---:|---:|---:|---:|");
        out.print(table);
    }

    double backlogThroughput(String input, String model, int batch, boolean inference) throws Exception {
        return backlogThroughput(input, model, batch, inference, 1);
    }

    double backlogThroughput(String input, String model, int batch, boolean inference, int ahead) throws Exception {
        return jobThroughput(
                (inference ? "job, batch " + batch : "pass-through, batch " + batch)
                        + (ahead > 1 ? ", horizon " + ahead : "")
                        + ":",
                input,
                model,
                batch,
                inference,
                ahead > 1 ? Map.of("forecast.horizon", Integer.toString(ahead)) : Map.of(),
                keys * steps);
    }

    /**
     * One fresh job over {@code input} with the benchmark's settings plus {@code extra}, until
     * {@code expected} records came out: forecasts per second, printed under {@code label}.
     */
    double jobThroughput(
            String label,
            String input,
            String model,
            int batch,
            boolean inference,
            Map<String, Object> extra,
            int expected)
            throws Exception {
        OutputWatcher.Outcome outcome = jobRun(input, model, batch, inference, extra, expected);
        double throughput = OutputWatcher.throughput(outcome.predictions());
        out.printf("  %-44s %8.0f ticks/s (%s)%n", label, throughput, outcome.describe(expected));
        return throughput;
    }

    /** The same job run, its outputs as the watcher saw them. */
    OutputWatcher.Outcome jobRun(
            String input, String model, int batch, boolean inference, Map<String, Object> extra, int expected)
            throws Exception {
        String output = nextOutputTopic();
        Map<String, Object> values = settings(input, output, model, batch);
        values.putAll(extra);
        TickJobConfig cfg = TickJobConfig.from(values);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TickJobPipeline.flinkConfiguration(cfg));
        TickJobPipeline.wire(env, cfg, inference ? RnnStepOperator::liveCell : PassThroughCell::serve);
        return BenchRuns.whileRunning(
                env,
                cfg.common.jobName,
                job -> OutputWatcher.await(bootstrap, BenchRuns.outputTopics(output), expected, Duration.ofMinutes(5)));
    }

    /** ONNX Runtime alone stepping the cell over the backlog's keys and steps in batches: ticks per second. */
    private double onnxAlone(String model, int hidden) {
        try (OnnxRnnCell cell = OnnxRnnCell.load(Path.of(model), Map.of(), BATCH, settings.onnx())) {
            Random random = new Random(SEED);
            float[] input = new float[BATCH];
            float[] state = new float[BATCH * hidden];
            for (int i = 0; i < state.length; i++) {
                state[i] = 2 * random.nextFloat() - 1;
            }
            float[] output = new float[BATCH];
            float[] nextState = new float[BATCH * hidden];
            // Inputs computed beforehand: the series' arithmetic is no part of the inference ceiling.
            float[] values = new float[keys];
            for (int k = 0; k < keys; k++) {
                values[k] = (float) series.value(k, 0);
            }
            stepBacklog(cell, Math.max(1, steps / 4), values, input, state, output, nextState); // warm-up
            long start = System.nanoTime();
            stepBacklog(cell, steps, values, input, state, output, nextState);
            double seconds = (System.nanoTime() - start) / 1e9;
            double throughput = (double) keys * steps / seconds;
            out.printf(
                    "  %-44s %8.0f ticks/s (%.2f us/tick)%n",
                    "ONNX Runtime alone, batch " + BATCH + ":", throughput, seconds * 1e6 / keys / steps);
            return throughput;
        }
    }

    /** Steps every key {@code stepCount} times, cut into batches as the job cuts a watermark's keys. */
    private void stepBacklog(
            OnnxRnnCell cell,
            int stepCount,
            float[] values,
            float[] input,
            float[] state,
            float[] output,
            float[] nextState) {
        for (int step = 0; step < stepCount; step++) {
            for (int from = 0; from < keys; from += BATCH) {
                int n = Math.min(BATCH, keys - from);
                System.arraycopy(values, from, input, 0, n);
                cell.step(n, input, state, output, nextState);
            }
        }
    }

    /** The settings of one benchmark job: the job as built but for batch size. */
    Map<String, Object> settings(String input, String output, String model, int batch) {
        Map<String, Object> values = BenchRuns.jobSettings(bootstrap, input, output, model, batch, settings.onnx());
        // Flink's default in-memory checkpoint storage refuses states over 5 MB.
        values.put("checkpoint.dir", workDir.resolve("checkpoints").toString());
        values.putAll(jobSettings);
        return values;
    }

    /** A fresh output topic and its dead-letter topic. */
    String nextOutputTopic() {
        String output = "bench-tick-out-" + (++run) + "-" + System.currentTimeMillis();
        Topics.ensure(bootstrap, Map.of(output, PARTITIONS, output + ".dlq", PARTITIONS));
        return output;
    }

    /** The random cell of hidden size {@code hidden} (F=1, O=1), written once under the work folder. */
    String model(int hidden) throws IOException {
        Path file = workDir.resolve("random-esn-h" + hidden + ".onnx");
        if (!Files.exists(file)) {
            Files.createDirectories(workDir);
            Files.write(file, DemoRnnTrainer.randomCell(1, hidden, 1, SEED));
        }
        return file.toString();
    }

    /**
     * Sends {@code count} JSON ticks: tick t is key {@code t % keyCount} at event-time step
     * {@code t / keysPerStep}, so they arrive in event-time order. Then one flush tick per
     * partition, far enough ahead that every partition's watermark passes every real tick.
     */
    void produce(String topic, int count, int keyCount, int keysPerStep) {
        int lastStep = (count - 1) / keysPerStep;
        // Event times end now, not at SyntheticTicks' date in 2023: forecasts carry them as Kafka
        // timestamps, and at its checks (every 5 minutes) the broker's 7-day time retention deletes
        // segments of older records, read or not. Not ahead either: brokers refuse timestamps
        // more than an hour in the future.
        long first = (System.currentTimeMillis() / SyntheticTicks.STEP_MS - lastStep - 20) * SyntheticTicks.STEP_MS;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap)) {
            for (int t = 0; t < count; t++) {
                int k = t % keyCount;
                String key = SyntheticTicks.key(k);
                long ts = first + (long) (t / keysPerStep) * SyntheticTicks.STEP_MS;
                send(producer, topic, null, key, ts, series.value(k, t / keyCount));
            }
            long end = first + (lastStep + 10L) * SyntheticTicks.STEP_MS;
            for (int p = 0; p < PARTITIONS; p++) {
                send(producer, topic, p, "flush-" + p, end, 0);
            }
            producer.flush();
        }
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, String topic, Integer partition, String key, long ts, double v) {
        String json = "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"value\":" + v + "}";
        producer.send(new ProducerRecord<>(
                topic, partition, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
    }

    String bootstrap() {
        return bootstrap;
    }

    int keysPerStep() {
        return keys;
    }

    /** Ticks in the shared backlog: keys x steps. */
    int backlogTicks() {
        return keys * steps;
    }

    Path workDir() {
        return workDir;
    }

    Settings benchSettings() {
        return settings;
    }

    PrintStream out() {
        return out;
    }
}
