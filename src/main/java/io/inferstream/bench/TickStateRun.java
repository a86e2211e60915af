package io.inferstream.bench;

import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.flink.TickJobPipeline;
import io.inferstream.kafka.Topics;
import io.inferstream.local.LocalPorts;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Many keys in steady state on RocksDB against few keys on the heap, the same tick count: each
 * key steps several times (every key's tick t, then every key's tick t+1), so the state is read
 * and written as a long-running job's is, not created once. Both runs lay their ticks out alike
 * over event time, {@link #KEYS_PER_SECOND} ticks to a second (so a key with more than that
 * steps every keys / KEYS_PER_SECOND seconds): the watermark then releases ticks from the
 * ordering buffer as they are read, not in one burst at the end, and the rate from the first
 * forecast to the last is the job's steady rate. Reports it, the state's size per key,
 * checkpoint durations and sizes from Flink's REST API, and the launcher's heap and RSS.
 */
final class TickStateRun {
    /**
     * Ticks per event-time second, as the checkpoint run lays a million keys out: with the 1 s
     * out-of-orderness bound, two to three seconds of ticks wait in the ordering buffer.
     */
    static final int KEYS_PER_SECOND = 10_000;

    private static final double MB = 1e6;

    private final TickBenchmark bench;
    private final PrintStream out;

    TickStateRun(TickBenchmark bench) {
        this.bench = bench;
        this.out = bench.out();
    }

    /** One run's figures. */
    private record Result(
            String backend,
            int keys,
            int steps,
            double ticksPerSecond,
            double fromStartPerSecond,
            long fullStateBytes,
            long fullDurationMs,
            CheckpointStatistics.Summary periodic,
            String memory) {}

    /** Both runs, each with the benchmark's job settings ({@code --set}) on top of the job's own. */
    void run(String model, int stateKeys, int stateSteps, int heapKeys) throws Exception {
        int ticks = stateKeys * stateSteps;
        int heapSteps = ticks / heapKeys;
        // No more to a second than either run has keys: a key never has two ticks at one event time.
        int perSecond = Math.min(KEYS_PER_SECOND, Math.min(stateKeys, heapKeys));
        out.printf(
                "%nState: %d ticks, RocksDB at %d keys x %d steps against the heap at %d keys x %d steps,"
                        + " both %d ticks per event-time second%n",
                ticks, stateKeys, stateSteps, heapKeys, heapSteps, perSecond);
        if (!bench.jobSettings().isEmpty()) {
            out.printf("Job settings of both runs (--set): %s%n", new TreeMap<>(bench.jobSettings()));
        }
        List<Result> results = new ArrayList<>();
        results.add(run(model, "hashmap", heapKeys, heapSteps, perSecond));
        results.add(run(model, "rocksdb", stateKeys, stateSteps, perSecond));
        out.println();
        out.println("ticks/s: forecasts between the first and the last one a read_committed consumer saw;"
                + " from start: from the job's submission to the last forecast.");
        out.println();
        out.println(
                "| state | keys x steps | ticks/s | % of heap | from start | full state | per key | full checkpoint |"
                        + " periodic checkpoints: count, avg / max duration, avg / max written | launcher at the end |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---|---|");
        double heap = results.get(0).ticksPerSecond();
        for (Result r : results) {
            CheckpointStatistics.Summary p = r.periodic();
            out.printf(
                    "| %s | %d x %d | %.0f | %.0f%% | %.0f | %.1f MB | %.0f B | %d ms | %d, %d / %d ms, %.1f / %.1f MB"
                            + " | %s |%n",
                    r.backend(),
                    r.keys(),
                    r.steps(),
                    r.ticksPerSecond(),
                    100 * r.ticksPerSecond() / heap,
                    r.fromStartPerSecond(),
                    r.fullStateBytes() / MB,
                    (double) r.fullStateBytes() / r.keys(),
                    r.fullDurationMs(),
                    p.completed(),
                    p.avgDurationMs(),
                    p.maxDurationMs(),
                    p.avgWritten() / MB,
                    p.maxWritten() / MB,
                    r.memory());
        }
    }

    private Result run(String model, String backend, int keys, int steps, int perSecond) throws Exception {
        String input = "bench-ticks-state-" + backend + "-" + System.currentTimeMillis();
        Topics.ensure(bench.bootstrap(), Map.of(input, 2));
        long start = System.currentTimeMillis();
        bench.produce(input, keys * steps, keys, perSecond);
        out.printf(
                "  %s: produced %d ticks in %.0f s%n",
                backend, keys * steps, (System.currentTimeMillis() - start) / 1000.0);
        String output = bench.nextOutputTopic();
        Map<String, Object> values = bench.settings(input, output, model, TickBenchmark.BATCH);
        values.put("state.backend", backend);
        TickJobConfig cfg = TickJobConfig.from(values);
        int restPort = LocalPorts.free();
        StreamExecutionEnvironment env =
                JobEnvironments.localWithWebUi(TickJobPipeline.flinkConfiguration(cfg), restPort);
        TickJobPipeline.wire(env, cfg);
        int expected = keys * steps;
        long submitted = System.currentTimeMillis();
        return BenchRuns.whileRunning(env, cfg.common.jobName, job -> {
            OutputWatcher.Count seen = OutputWatcher.count(
                    bench.bootstrap(), BenchRuns.outputTopics(output), expected, Duration.ofMinutes(60));
            double fromStart = seen.records() == 0 ? Double.NaN : seen.records() * 1000.0 / (seen.lastMs() - submitted);
            String memory = ProcessMemory.describeSelf();
            out.printf(
                    "  %-44s %8.0f ticks/s, %.0f from start (%d records in %.0f s, %d dead letters%s;"
                            + " watcher CPU %.1f s; %s)%n",
                    "job, " + backend + ", " + keys + " keys x " + steps + ":",
                    seen.perSecond(),
                    fromStart,
                    seen.records(),
                    (seen.lastMs() - seen.firstMs()) / 1000.0,
                    seen.onLastTopic(),
                    seen.records() < expected ? "; timed out, expected " + expected : "",
                    seen.watcherCpuMs() / 1000.0,
                    memory);
            // After the rate is printed: a run's rate is not lost to the checkpoint statistics.
            CheckpointStatistics stats = new CheckpointStatistics(restPort, job.getJobID());
            CheckpointStatistics.Summary periodic = stats.summary();
            CheckpointStatistics.Checkpoint full;
            try {
                full = stats.triggerFull(Duration.ofMinutes(10));
            } catch (IllegalStateException e) {
                out.printf("  full checkpoint of %s: no figures (%s)%n", backend, e.getMessage());
                full = new CheckpointStatistics.Checkpoint(-1, -1, -1, -1);
            }
            return new Result(
                    backend,
                    keys,
                    steps,
                    seen.perSecond(),
                    fromStart,
                    full.stateSize(),
                    full.durationMs(),
                    periodic,
                    memory);
        });
    }
}
