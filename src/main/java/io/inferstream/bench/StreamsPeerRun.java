package io.inferstream.bench;

import io.inferstream.kafka.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kafka Streams peer ({@link StreamsPeer}) against the job as built, side by side on the same
 * backlog and broker: each peer mode and the job run alternately twice.
 */
final class StreamsPeerRun {
    private static final List<String> MODES = List.of("per-record", "batched");

    private final TickBenchmark bench;
    private final PrintStream out;
    private int run;

    StreamsPeerRun(TickBenchmark bench) {
        this.bench = bench;
        this.out = bench.out();
    }

    void run(String backlog, String model) throws Exception {
        out.printf("%nPeer: the same forecasting as a Kafka Streams application (exactly_once_v2, RocksDB store,"
                + " one stream thread, own JVM -Xmx1g, measured after a warm-up instance forecast half the backlog)%n");
        int ticks = bench.backlogTicks();
        String[] memory = new String[MODES.size()];
        List<BenchRuns.Throughput> contenders = new ArrayList<>();
        for (int m = 0; m < MODES.size(); m++) {
            int mode = m;
            contenders.add(() -> peerThroughput(backlog, model, mode, ticks, memory));
        }
        contenders.add(() -> bench.backlogThroughput(backlog, model, TickBenchmark.BATCH, true));
        List<BenchRuns.TwoRuns> runs = BenchRuns.inTurnTwice(contenders);
        BenchRuns.TwoRuns job = runs.get(MODES.size());
        out.println();
        out.println("| scenario | run 1 ticks/s | run 2 ticks/s | best, % of the job's best | memory at the end |");
        out.println("|---|---:|---:|---:|---|");
        out.printf(
                "| (a) Inferstream job as built, batch %d, exactly-once | %.0f | %.0f | 100%% | launcher JVM |%n",
                TickBenchmark.BATCH, job.first(), job.second());
        for (int m = 0; m < MODES.size(); m++) {
            BenchRuns.TwoRuns peer = runs.get(m);
            out.printf(
                    "| (k%d) Kafka Streams peer, %s | %.0f | %.0f | %.0f%% | %s |%n",
                    m + 1, MODES.get(m), peer.first(), peer.second(), 100 * peer.best() / job.best(), memory[m]);
        }
    }

    /**
     * One fresh peer (its own application id and state) in {@code MODES.get(mode)} over the
     * backlog: forecasts per second; its memory at the end goes to {@code memory[mode]}.
     */
    private double peerThroughput(String backlog, String model, int mode, int ticks, String[] memory) throws Exception {
        String output = "bench-peer-out-" + (++run) + "-" + System.currentTimeMillis();
        Topics.ensure(bench.bootstrap(), Map.of(output, 2, output + ".dlq", 2));
        // The peer forecasts the flush ticks too: it does not hold ticks for a watermark.
        int expected = ticks + 2;
        Path dir = bench.workDir().resolve("peer-" + run);
        OutputWatcher.Outcome outcome;
        try (StreamsPeerProcess peer = StreamsPeerProcess.start(
                bench.bootstrap(), backlog, output, Path.of(model), MODES.get(mode), dir, ticks / 2)) {
            outcome = OutputWatcher.await(
                    bench.bootstrap(), BenchRuns.outputTopics(output), expected, Duration.ofMinutes(10));
            memory[mode] = ProcessMemory.describe(peer.pid());
            if (!outcome.complete(expected)) {
                out.println("  the peer fell short; the end of its log:\n" + peer.logTail());
            }
        }
        double throughput = OutputWatcher.throughput(outcome.predictions());
        out.printf(
                "  %-44s %8.0f ticks/s (%s; %s)%n",
                "Kafka Streams peer, " + MODES.get(mode) + ":", throughput, outcome.describe(expected), memory[mode]);
        return throughput;
    }
}
