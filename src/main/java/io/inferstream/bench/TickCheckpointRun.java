package io.inferstream.bench;

import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.flink.TickJobPipeline;
import io.inferstream.kafka.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The tick job with RocksDB state (incremental checkpoints) over one tick for each of many keys:
 * once every key has stepped, the size and duration of its checkpoints, periodic and full, as
 * Flink's checkpoint statistics report them.
 */
final class TickCheckpointRun {
    private static final double MB = 1e6;

    private final TickBenchmark bench;
    private final int keyCount;
    private final int restPort;
    private final PrintStream out;

    TickCheckpointRun(TickBenchmark bench, int keyCount, int restPort) {
        this.bench = bench;
        this.keyCount = keyCount;
        this.restPort = restPort;
        this.out = bench.out();
    }

    void run(String model) throws Exception {
        String input = "bench-ticks-checkpoint-" + System.currentTimeMillis();
        Topics.ensure(bench.bootstrap(), Map.of(input, 2));
        bench.produce(input, keyCount, keyCount, bench.keysPerStep());
        out.printf(
                "%nCheckpoints with RocksDB state: %d keys, one tick each (%d keys per event-time second), model %s%n",
                keyCount, bench.keysPerStep(), Path.of(model).getFileName());
        String output = bench.nextOutputTopic();
        Map<String, Object> values = bench.settings(input, output, model, TickBenchmark.BATCH);
        values.put("state.backend", "rocksdb");
        TickJobConfig cfg = TickJobConfig.from(values);
        StreamExecutionEnvironment env =
                JobEnvironments.localWithWebUi(TickJobPipeline.flinkConfiguration(cfg), restPort);
        TickJobPipeline.wire(env, cfg);
        BenchRuns.whileRunning(env, cfg.common.jobName, job -> {
            measure(job, output);
            return null;
        });
    }

    private void measure(JobClient job, String output) throws Exception {
        OutputWatcher.Outcome outcome = OutputWatcher.await(
                bench.bootstrap(), BenchRuns.outputTopics(output), keyCount, Duration.ofMinutes(15));
        if (!outcome.complete(keyCount)) {
            throw new IllegalStateException("the checkpoint run's job wrote " + outcome.describe(keyCount)
                    + " in 15 min; expected one record per key");
        }
        out.printf(
                "  %-44s %8.0f ticks/s (%s)%n",
                "job, RocksDB, batch " + TickBenchmark.BATCH + ":",
                OutputWatcher.throughput(outcome.predictions()),
                outcome.describe(keyCount));
        CheckpointStatistics stats = new CheckpointStatistics(restPort, job.getJobID());
        // The latest completed checkpoint committed the last predictions; the next one starts
        // with every key stepped and nothing in flight.
        CheckpointStatistics.Checkpoint periodic =
                stats.awaitCompletedAfter(stats.latestCompletedId(), Duration.ofMinutes(5));
        CheckpointStatistics.Summary run = stats.summary();
        CheckpointStatistics.Checkpoint full = stats.triggerFull(Duration.ofMinutes(10));
        out.println();
        out.println("| checkpoint | full state | written by this checkpoint | duration |");
        out.println("|---|---:|---:|---:|");
        print("periodic, incremental", periodic);
        print("triggered, full", full);
        out.printf("Full state per key: %.0f bytes.%n", (double) full.stateSize() / keyCount);
        out.printf(
                "The run's %d periodic checkpoints: %d ms on average, %d ms at most; %.1f MB written on average,"
                        + " %.1f MB at most.%n",
                run.completed(),
                run.avgDurationMs(),
                run.maxDurationMs(),
                run.avgWritten() / MB,
                run.maxWritten() / MB);
    }

    private void print(String what, CheckpointStatistics.Checkpoint c) {
        out.printf(
                "| %s (#%d) | %.1f MB | %.1f MB | %d ms |%n",
                what, c.id(), c.stateSize() / MB, c.checkpointedSize() / MB, c.durationMs());
    }
}
