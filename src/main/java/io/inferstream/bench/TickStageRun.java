package io.inferstream.bench;

import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.RnnStepOperator;
import io.inferstream.flink.TickJobPipeline;
import io.inferstream.records.TickInput;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Where the tick job's wall-clock time goes: the same backlog through jobs that stop at each
 * stage of the pipeline, each timed from its first to its last record at the stage's end. The
 * in-memory stages end in a counting sink in this JVM (the local MiniCluster runs here), so they
 * cost no Kafka writes; the last two are the job with its Kafka sinks, at-least-once and as built.
 */
final class TickStageRun {
    private final TickBenchmark bench;
    private final PrintStream out;

    TickStageRun(TickBenchmark bench) {
        this.bench = bench;
        this.out = bench.out();
    }

    /** A stage: what it adds, and per run its ticks per second and CPU per tick. */
    private record Stage(String what, Measured[] runs) {
        Stage(String what) {
            this(what, new Measured[2]);
        }

        Measured best() {
            return runs[0].perSecond() >= runs[1].perSecond() ? runs[0] : runs[1];
        }
    }

    /** One run of a stage: first to last record, and the CPU spent between them. */
    private record Measured(double perSecond, CpuTimeline.Usage cpu) {}

    void run(String backlog, String model) throws Exception {
        out.printf("%nStages: the backlog through the job cut after each stage, first to last record;"
                + " CPU per tick between them%n");
        int ticks = bench.backlogTicks();
        Stage[] stages = {
            new Stage("(s1) Kafka source + parse, counted in the source's task"),
            new Stage("(s2) + keyBy to a keyed no-op (the shuffle)"),
            new Stage("(s3) + validate, ordering buffer, step (as built), forecasts counted"),
            new Stage("(s4) + Kafka sinks, at-least-once"),
            new Stage("(s5) + exactly-once: the job as built"),
        };
        for (int round = 0; round < 2; round++) {
            stages[0].runs()[round] = inMemory("source + parse:", backlog, model, ticks, Cut.SOURCE);
            stages[1].runs()[round] = inMemory("+ keyBy, keyed no-op:", backlog, model, ticks, Cut.SHUFFLE);
            stages[2].runs()[round] = inMemory("+ ordering buffer and step:", backlog, model, ticks, Cut.STEP);
            stages[3].runs()[round] = withKafka("+ Kafka sinks, at-least-once:", backlog, model, ticks, true);
            stages[4].runs()[round] = withKafka("+ exactly-once (as built):", backlog, model, ticks, false);
        }
        double first = stages[0].best().perSecond();
        out.println();
        out.println("| stage | run 1 ticks/s | run 2 ticks/s | best, % of (s1) | best: CPU us per tick, launcher JVM"
                + " / broker | best: launcher JVM's CPU us per tick by thread, largest |");
        out.println("|---|---:|---:|---:|---:|---|");
        for (Stage s : stages) {
            Measured best = s.best();
            out.printf(
                    "| %s | %.0f | %.0f | %.0f%% | %.2f / %.2f | %s |%n",
                    s.what(),
                    s.runs()[0].perSecond(),
                    s.runs()[1].perSecond(),
                    100 * best.perSecond() / first,
                    best.cpu().selfMicros(),
                    best.cpu().brokerMicros(),
                    best.cpu().topGroups(4));
        }
    }

    /** Where an in-memory stage cuts the job. */
    private enum Cut {
        SOURCE,
        SHUFFLE,
        STEP
    }

    private Measured inMemory(String label, String backlog, String model, int ticks, Cut cut) throws Exception {
        String output = bench.nextOutputTopic();
        TickJobConfig cfg = TickJobConfig.from(bench.settings(backlog, output, model, TickBenchmark.BATCH));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TickJobPipeline.flinkConfiguration(cfg));
        String id = output;
        Counter counter = Counter.open(id);
        DataStream<TickInput> source = TickJobPipeline.source(env, cfg);
        switch (cut) {
            case SOURCE -> source.sinkTo(new CountingSink<>(id)).name("count");
            case SHUFFLE ->
                source.keyBy(t -> t.key, Types.STRING)
                        .process(new KeyedNoOp())
                        .sinkTo(new CountingSink<>(id))
                        .name("count");
            case STEP ->
                TickJobPipeline.forecasting(env, cfg, RnnStepOperator::liveCell)
                        .apply(source)
                        .getPredictions()
                        .sinkTo(new CountingSink<>(id))
                        .name("count");
        }
        try (CpuTimeline cpu = CpuTimeline.start()) {
            double throughput =
                    BenchRuns.whileRunning(env, cfg.common.jobName, job -> counter.await(ticks, Duration.ofMinutes(5)));
            long n = counter.count.get();
            CpuTimeline.Usage usage = cpu.between(counter.firstMs.get(), counter.lastMs.get(), n);
            print(label, throughput, n + " records", usage);
            return new Measured(throughput, usage);
        } finally {
            Counter.close(id);
        }
    }

    private Measured withKafka(String label, String backlog, String model, int ticks, boolean atLeastOnce)
            throws Exception {
        Map<String, Object> extra = atLeastOnce ? Map.of("delivery", "at-least-once") : Map.of();
        try (CpuTimeline cpu = CpuTimeline.start()) {
            OutputWatcher.Outcome outcome = bench.jobRun(backlog, model, TickBenchmark.BATCH, true, extra, ticks);
            List<OutputWatcher.Seen> seen = outcome.predictions();
            double throughput = OutputWatcher.throughput(seen);
            long first = seen.stream().mapToLong(s -> s.predictedAt).min().orElse(0);
            long last = seen.stream().mapToLong(s -> s.predictedAt).max().orElse(0);
            CpuTimeline.Usage usage = cpu.between(first, last, seen.size());
            print(label, throughput, outcome.describe(ticks), usage);
            return new Measured(throughput, usage);
        }
    }

    private void print(String label, double throughput, String what, CpuTimeline.Usage cpu) {
        out.printf(
                "  %-44s %8.0f ticks/s (%s); CPU us per tick: launcher %.2f, broker %.2f over %.1f s; %s%n",
                label, throughput, what, cpu.selfMicros(), cpu.brokerMicros(), cpu.seconds(), cpu.topGroups(6));
    }

    /** Records that reached the end of an in-memory stage, and when the first and last did. */
    static final class Counter {
        private static final Map<String, Counter> OPEN = new ConcurrentHashMap<>();

        final AtomicLong count = new AtomicLong();
        final AtomicLong firstNanos = new AtomicLong();
        final AtomicLong lastNanos = new AtomicLong();
        final AtomicLong firstMs = new AtomicLong();
        final AtomicLong lastMs = new AtomicLong();

        static Counter open(String id) {
            Counter c = new Counter();
            OPEN.put(id, c);
            return c;
        }

        static Counter of(String id) {
            Counter c = OPEN.get(id);
            if (c == null) {
                throw new IllegalStateException("no counter '" + id + "': the stage runs outside this JVM");
            }
            return c;
        }

        static void close(String id) {
            OPEN.remove(id);
        }

        void record(long now) {
            if (count.getAndIncrement() == 0) {
                firstNanos.set(now);
                firstMs.set(System.currentTimeMillis());
            }
            lastNanos.set(now);
            lastMs.set(System.currentTimeMillis());
        }

        /** Records per second between the first and the {@code expected}-th, or NaN at the timeout. */
        double await(int expected, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long n = count.get();
            long span = lastNanos.get() - firstNanos.get();
            return n < expected || span <= 0 ? Double.NaN : (n - 1) * 1e9 / span;
        }
    }

    /** Counts what reaches it into the {@link Counter} of its run: the job's MiniCluster shares this JVM. */
    private static final class CountingSink<T> implements Sink<T> {
        private final String id;

        CountingSink(String id) {
            this.id = id;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Counter counter = Counter.of(id);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {
                    counter.record(System.nanoTime());
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    /** Touches nothing: what crossing the keyBy costs on its own. */
    private static final class KeyedNoOp extends KeyedProcessFunction<String, TickInput, TickInput> {
        @Override
        public void processElement(TickInput tick, Context ctx, Collector<TickInput> out) {
            out.collect(tick);
        }
    }
}
