package io.inferstream.bench;

import io.inferstream.avro.TickPrediction;
import io.inferstream.config.TickJobConfig;
import io.inferstream.demo.rnn.SyntheticTicks;
import io.inferstream.flink.TickJobPipeline;
import io.inferstream.kafka.Topics;
import io.inferstream.local.KafkaClients;
import io.inferstream.local.Pacer;
import io.inferstream.output.RecordDecoder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tick latency at steady rates: ticks stamped with the moment they are sent (their event time)
 * at a fixed rate over many keys, and two consumers of the forecasts, one read_committed and one
 * read_uncommitted, noting when each forecast becomes visible to them. The job's Kafka
 * timestamps are the time of writing, so the event time comes from the forecast's value, decoded
 * after the run so that decoding takes no CPU from the job.
 */
final class TickLatencyRun {
    private static final int KEYS = 1_000;
    /** Ticks sent in the first seconds, while the job compiles its hot paths, are not counted. */
    private static final long WARM_UP_MS = 5_000;
    /** Sending goes on this long after the measured window, so the watermark passes its last ticks. */
    private static final long TAIL_MS = 3_000;
    /** Flink's own defaults, which the job's replace unless the user sets them. */
    private static final Map<String, String> FLINK_DEFAULTS =
            Map.of("flink.pipeline.auto-watermark-interval", "200 ms", "flink.execution.buffer-timeout", "100 ms");

    private static final String JOB_TIMING = TickJobPipeline.WATERMARK_INTERVAL.toMillis() + " / "
            + TickJobPipeline.BUFFER_TIMEOUT.toMillis() + " (job's)";

    private final TickBenchmark bench;
    private final PrintStream out;
    private int run;

    TickLatencyRun(TickBenchmark bench) {
        this.bench = bench;
        this.out = bench.out();
    }

    /**
     * One run's settings: {@code flinkSettings} on top of the job's own (empty: the job's
     * defaults), described in the table by {@code timing}.
     */
    private record Case(
            int rate, String delivery, long outOfOrdernessMs, Map<String, String> flinkSettings, String timing) {}

    void run(String model, List<Integer> rates, int seconds) throws Exception {
        out.printf(
                "%nLatency: event time (= send time) to visible, %d keys, %d s per run after %d s not counted%n",
                KEYS, seconds, WARM_UP_MS / 1000);
        // The JVM's first job runs cold (classes loading, code not yet compiled) for longer than
        // the seconds not counted: its figures would be start-up, not steady state.
        out.println("  warm-up run, not reported:");
        measure(model, new Case(rates.get(0), "at-least-once", 0, Map.of(), JOB_TIMING), Math.min(seconds, 5));
        StringBuilder table = new StringBuilder();
        table.append("| rate/s sent (achieved) | delivery | out-of-orderness ms | watermark / buffer timeout ms |"
                + " read_committed p50 / p99 / p99.9 ms | read_uncommitted p50 / p99 / p99.9 ms |"
                + " to sink write p50 / p99 / p99.9 ms | visible / sent |\n");
        table.append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (int rate : rates) {
            for (String delivery : List.of("at-least-once", "exactly-once")) {
                for (long ooo : List.of(0L, 1000L)) {
                    table.append(measure(model, new Case(rate, delivery, ooo, Map.of(), JOB_TIMING), seconds));
                }
            }
        }
        // Flink's own defaults for comparison: the watermark interval and the network buffer
        // timeout bound how soon a tick is released and how soon the release reaches the sink.
        for (long ooo : List.of(0L, 1000L)) {
            table.append(measure(
                    model,
                    new Case(rates.get(0), "at-least-once", ooo, FLINK_DEFAULTS, "200 / 100 (Flink's)"),
                    seconds));
        }
        out.println();
        out.print(table);
    }

    private String measure(String model, Case c, int seconds) throws Exception {
        String input = "bench-latency-ticks-" + (++run) + "-" + System.currentTimeMillis();
        Topics.ensure(bench.bootstrap(), Map.of(input, 2));
        String output = bench.nextOutputTopic();
        Map<String, Object> values = bench.settings(input, output, model, TickBenchmark.BATCH);
        values.put("delivery", c.delivery());
        values.put("order.max-out-of-orderness-ms", Long.toString(c.outOfOrdernessMs()));
        values.putAll(c.flinkSettings());
        TickJobConfig cfg = TickJobConfig.from(values);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TickJobPipeline.flinkConfiguration(cfg));
        TickJobPipeline.wire(env, cfg);
        return BenchRuns.whileRunning(env, cfg.common.jobName, job -> {
            Thread.sleep(5_000); // the job starts; ticks are stamped when sent
            long sendStart = System.currentTimeMillis();
            long windowFrom = sendStart + WARM_UP_MS;
            long windowTo = windowFrom + seconds * 1000L;
            Watcher committed = new Watcher(output, "read_committed", windowFrom, windowTo);
            Watcher uncommitted = new Watcher(output, "read_uncommitted", windowFrom, windowTo);
            committed.start();
            uncommitted.start();
            long[] sent = send(input, c.rate(), sendStart, windowFrom, windowTo + TAIL_MS);
            // Then the stragglers: a job that fell behind is given a while to catch up.
            committed.stopAt(System.currentTimeMillis() + 10_000, sent[2]);
            uncommitted.stopAt(System.currentTimeMillis() + 10_000, sent[2]);
            committed.join();
            uncommitted.join();
            double achieved = sent[1] * 1000.0 / (windowTo + TAIL_MS - sendStart);
            String row = String.format(
                    "| %d (%.0f) | %s | %d | %s | %s | %s | %s | %d / %d |%n",
                    c.rate(),
                    achieved,
                    c.delivery(),
                    c.outOfOrdernessMs(),
                    c.timing(),
                    committed.percentiles(committed.latencies),
                    uncommitted.percentiles(uncommitted.latencies),
                    uncommitted.percentiles(uncommitted.toSinkWrite),
                    committed.count,
                    sent[0]);
            out.printf(
                    "  %s, out-of-orderness %d ms, %s, %d/s: %s",
                    c.delivery(), c.outOfOrdernessMs(), c.timing(), c.rate(), row);
            return row;
        });
    }

    /**
     * Sends ticks at {@code rate} per second, in 1 ms slices, until {@code until}: returns the
     * ticks sent with event times in [from, to), all ticks sent, and those before {@code to}.
     */
    private long[] send(String topic, int rate, long start, long from, long until) throws InterruptedException {
        int perSlice = Math.max(1, rate / 1000);
        Pacer pacer = new Pacer(Math.max(1, rate / perSlice));
        long inWindow = 0;
        long total = 0;
        long beforeEnd = 0;
        long to = until - TAIL_MS;
        int key = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bench.bootstrap())) {
            long now = start;
            while (now < until) {
                for (int i = 0; i < perSlice; i++) {
                    String k = SyntheticTicks.key(key);
                    String json = "{\"key\":\"" + k + "\",\"ts\":" + now + ",\"value\":" + (key % 7) * 0.1 + "}";
                    producer.send(new ProducerRecord<>(
                            topic, k.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
                    key = (key + 1) % KEYS;
                    total++;
                    if (now >= from && now < to) {
                        inWindow++;
                    }
                    if (now < to) {
                        beforeEnd++;
                    }
                }
                pacer.await();
                now = System.currentTimeMillis();
            }
            producer.flush();
        }
        return new long[] {inWindow, total, beforeEnd};
    }

    /** A consumer thread noting, for each forecast in the window, event time to visible. */
    private final class Watcher extends Thread {
        private final String topic;
        private final String isolation;
        private final long from;
        private final long to;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile long stopAt = Long.MAX_VALUE;
        private volatile long expected = Long.MAX_VALUE;
        private final List<byte[]> values = new ArrayList<>();
        private long[] receivedAt = new long[1 << 16];
        /** The forecasts' Kafka timestamps: when the job's sink wrote them. */
        private long[] writtenAt = new long[1 << 16];

        private long[] latencies = new long[0];
        private long[] toSinkWrite = new long[0];
        private int count;

        Watcher(String topic, String isolation, long from, long to) {
            super("bench-latency-" + isolation);
            this.topic = topic;
            this.isolation = isolation;
            this.from = from;
            this.to = to;
        }

        void stopAt(long deadline, long expectedCount) {
            expected = expectedCount;
            stopAt = deadline;
        }

        @Override
        public void run() {
            Properties props = new Properties();
            props.put("bootstrap.servers", bench.bootstrap());
            props.put("isolation.level", isolation);
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                // Assigned, not subscribed: no group, so no rebalance re-delivers anything.
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo p : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running.get() && seen() < expected && System.currentTimeMillis() < stopAt) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        if (values.size() == receivedAt.length) {
                            receivedAt = Arrays.copyOf(receivedAt, 2 * receivedAt.length);
                            writtenAt = Arrays.copyOf(writtenAt, 2 * writtenAt.length);
                        }
                        receivedAt[values.size()] = now;
                        writtenAt[values.size()] = r.timestamp();
                        values.add(r.value());
                    }
                }
            }
            long[] found = new long[values.size()];
            long[] written = new long[values.size()];
            count = 0;
            for (int i = 0; i < values.size(); i++) {
                if (RecordDecoder.decodeAvro(values.get(i)) instanceof TickPrediction p) {
                    long eventTime = p.getEventTime().toEpochMilli();
                    if (eventTime >= from && eventTime < to) {
                        written[count] = writtenAt[i] - eventTime;
                        found[count++] = receivedAt[i] - eventTime;
                    }
                }
            }
            latencies = Arrays.copyOf(found, count);
            toSinkWrite = Arrays.copyOf(written, count);
        }

        /** Records seen so far, of any event time: they are decoded only at the end. */
        private long seen() {
            return values.size();
        }

        String percentiles(long[] of) {
            long[] sorted = Arrays.copyOf(of, of.length);
            Arrays.sort(sorted);
            return sorted.length == 0
                    ? "none"
                    : percentile(sorted, 50) + " / " + percentile(sorted, 99) + " / " + percentile(sorted, 99.9);
        }

        private long percentile(long[] sorted, double p) {
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }
}
