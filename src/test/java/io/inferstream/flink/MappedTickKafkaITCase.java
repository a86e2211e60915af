package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.TickPrediction;
import io.inferstream.config.TickJobConfig;
import io.inferstream.local.KafkaClients;
import io.inferstream.records.TickInput;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.JobOutput;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.PyTorchFixtures;
import io.inferstream.testing.TickRecords;
import io.inferstream.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics in other layouts than {"key","ts","values"}, read with input.* configuration alone,
 * through a real broker and a failure after a completed checkpoint: PyTorch's GRU and LSTM step
 * modules as exported forecast every tick as PyTorch does, each exactly once, and broken or
 * incomplete records become dead letters naming the field.
 */
class MappedTickKafkaITCase {
    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    Path dir;

    /**
     * Throws once per run, after some records and a completed checkpoint, so the job restores
     * state and offsets from it; until then it slows the stream so checkpoints complete mid-run.
     */
    static final class FailOnce implements MapFunction<TickInput, TickInput>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        static final AtomicLong SEEN = new AtomicLong();
        static final AtomicLong CHECKPOINTS = new AtomicLong();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private final long failAfter;

        FailOnce(long failAfter) {
            this.failAfter = failAfter;
        }

        static void reset() {
            SEEN.set(0);
            CHECKPOINTS.set(0);
            FAILED.set(false);
        }

        @Override
        public TickInput map(TickInput tick) {
            if (!FAILED.get()) {
                LockSupport.parkNanos(1_000_000);
                if (SEEN.incrementAndGet() >= failAfter && CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
                    throw new IllegalStateException("injected failure after " + SEEN.get() + " records");
                }
            }
            return tick;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void shouldForecastATradeFeedWithAPyTorchGruLikePyTorchThroughAFailover() throws Exception {
        PyTorchFixtures.Series series = PyTorchFixtures.series("gru2_step");
        String input = KAFKA.createTopic("trades-gru2", PARTITIONS);
        List<String> records = new ArrayList<>();
        for (int t = 0; t < series.steps; t++) {
            for (int k = 0; k < series.keys; k++) {
                records.add(String.format(
                        "{\"s\":\"%s\",\"p\":\"%s\",\"T\":%d}", symbol(k), series.input(k, t)[0], tradeTime(t)));
            }
        }
        List<String> flushes = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            flushes.add(String.format("{\"s\":\"flush-%d\",\"p\":\"0\",\"T\":%d}", p, tradeTime(series.steps + 100)));
        }

        Result result = run(
                "gru2_step",
                input,
                Map.of(
                        "input.key-field",
                        "/s",
                        "input.time-field",
                        "/T",
                        "input.value-fields",
                        "/p",
                        "input.time-format",
                        "epoch-ms"),
                records,
                flushes);

        assertThat(result.dead).isEmpty();
        assertMatchesPyTorch(series, "gru2_step", result, MappedTickKafkaITCase::tradeTime);
    }

    @Test
    void shouldForecastANestedSensorFeedWithAPyTorchLstmAndDeadLetterBrokenRecordsNamingTheField() throws Exception {
        PyTorchFixtures.Series series = PyTorchFixtures.series("lstm2_step");
        String input = KAFKA.createTopic("sensors-lstm2", PARTITIONS);
        List<String> records = new ArrayList<>();
        for (int t = 0; t < series.steps; t++) {
            for (int k = 0; k < series.keys; k++) {
                double[] x = series.input(k, t);
                records.add(String.format(
                        "{\"device\":{\"id\":\"%s\"},\"time\":\"%s\",\"readings\":{\"temp\":%s,\"hum\":\"%s\"}}",
                        symbol(k), Instant.ofEpochMilli(sensorTime(t)), x[0], x[1]));
            }
            if (t == series.steps / 2) {
                String time = "\"" + Instant.ofEpochMilli(sensorTime(t)) + "\"";
                records.add("{\"device\":{\"id\":\"bad\"},\"time\":" + time + ",\"readings\":{\"temp\":1}}");
                records.add("{\"device\":{},\"time\":" + time + ",\"readings\":{\"temp\":1,\"hum\":2}}");
                records.add("{\"device\":{\"id\":\"bad\"},\"time\":" + time
                        + ",\"readings\":{\"temp\":\"warm\",\"hum\":2}}");
                records.add("{\"device\":{\"id\":\"bad\"},\"time\":\"noon\",\"readings\":{\"temp\":1,\"hum\":2}}");
                records.add("{\"device\":{\"id\":\"bad\"},\"time\":");
            }
        }
        List<String> flushes = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            flushes.add(String.format(
                    "{\"device\":{\"id\":\"flush-%d\"},\"time\":\"%s\",\"readings\":{\"temp\":0,\"hum\":0}}",
                    p, Instant.ofEpochMilli(sensorTime(series.steps + 100))));
        }

        Map<String, String> settings = new HashMap<>();
        settings.put("input.key-field", "/device/id");
        settings.put("input.time-field", "/time");
        settings.put("input.value-fields", "/readings/temp,/readings/hum");
        settings.put("input.time-format", "iso-8601");
        settings.put("model.state-inputs", "h,c");
        settings.put("model.state-outputs", "h_next,c_next");
        Result result = run("lstm2_step", input, settings, records, flushes);

        assertThat(result.dead)
                .containsExactlyInAnyOrder(
                        "MISSING_FIELD: /readings/hum",
                        "MISSING_FIELD: /device/id",
                        "WRONG_FIELD_TYPE: /readings/temp",
                        "WRONG_FIELD_TYPE: /time",
                        "BAD_TICK: -");
        assertThat(result.count + result.dead.size())
                .as("inputs = forecasts + dead letters")
                .isEqualTo(records.size());
        assertMatchesPyTorch(series, "lstm2_step", result, MappedTickKafkaITCase::sensorTime);
    }

    private static String symbol(int k) {
        return "SYM" + k;
    }

    private static long tradeTime(int step) {
        return 1_700_000_000_123L + step * 1000L;
    }

    private static long sensorTime(int step) {
        return Instant.parse("2026-12-01T10:00:00Z").toEpochMilli() + step * 1000L;
    }

    private static void assertMatchesPyTorch(
            PyTorchFixtures.Series series, String name, Result result, java.util.function.IntToLongFunction time) {
        assertThat(FailOnce.FAILED).as("the failure was injected").isTrue();
        assertThat(result.ids).as("each forecast committed once").doesNotHaveDuplicates();
        assertThat(result.count).isEqualTo(series.keys * series.steps);
        assertThat(result.forecasts).hasSize(series.keys);
        for (int k = 0; k < series.keys; k++) {
            List<TickPrediction> forecasts = result.forecasts.get(symbol(k));
            assertThat(forecasts).hasSize(series.steps);
            forecasts.sort(java.util.Comparator.comparingLong(TickPrediction::getStep));
            for (int t = 0; t < series.steps; t++) {
                TickPrediction f = forecasts.get(t);
                assertThat(f.getStep()).isEqualTo(t + 1);
                assertThat(f.getEventTime().toEpochMilli()).isEqualTo(time.applyAsLong(t));
                double[] expected = series.expected(k, t);
                for (int o = 0; o < expected.length; o++) {
                    PyTorchFixtures.assertClose(
                            f.getOutputs().get("y" + o), expected[o], name + " " + symbol(k) + " step " + (t + 1));
                }
            }
        }
    }

    /** Records keyed by nothing (the key is in the body), each series on one partition, in order. */
    private static void produce(String topic, List<String> records) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(KAFKA.bootstrapServers())) {
            for (String json : records) {
                int partition = json.contains("flush-1")
                        ? 1
                        : Math.floorMod(seriesOf(json).hashCode(), PARTITIONS);
                TickRecords.send(producer, topic, partition, null, json);
            }
            producer.flush();
        }
    }

    private static String seriesOf(String json) {
        int at = json.indexOf("SYM");
        return at < 0 ? "" : json.substring(at, at + 4);
    }

    private record Result(int count, List<String> ids, Map<String, List<TickPrediction>> forecasts, List<String> dead) {
        static Result of(JobOutput<TickPrediction> out) {
            List<String> ids = new ArrayList<>();
            Map<String, List<TickPrediction>> forecasts = new HashMap<>();
            for (TickPrediction p : out.predictions()) {
                ids.add(p.getId());
                forecasts.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p);
            }
            List<String> dead = new ArrayList<>();
            for (DeadLetter d : out.deadLetters()) {
                dead.add(d.getReason() + ": " + fieldPath(d.getError()));
            }
            return new Result(ids.size(), ids, forecasts, dead);
        }
    }

    /**
     * Runs the job on the records, then a flush record per partition whose time moves the
     * watermark past every tick (itself never released). The second half is produced only once
     * the first passed and a checkpoint completed: small records all fit the network buffers
     * ahead of the first barrier otherwise, and no record would follow a checkpoint to fail on.
     */
    private Result run(
            String model, String input, Map<String, String> settings, List<String> records, List<String> flushes)
            throws Exception {
        int half = records.size() / 2;
        String output = KAFKA.createTopic("forecasts-" + model, PARTITIONS);
        String dlq = KAFKA.createTopic("dlq-" + model, PARTITIONS);
        Map<String, Object> values = new HashMap<>(settings);
        values.put("kafka.bootstrap", KAFKA.bootstrapServers());
        values.put("kafka.group-id", "mapped-it-" + model);
        values.put("job.name", "mapped-it-" + model);
        values.put("topics.input", input);
        values.put("topics.output", output);
        values.put("topics.dlq", dlq);
        values.put("model.path", PyTorchFixtures.model(model).toString());
        values.put("parallelism", "2");
        values.put("order.max-out-of-orderness-ms", "500");
        values.put("checkpoint.interval-ms", "200");
        values.put("checkpoint.dir", dir.resolve("checkpoints-" + model).toString());
        values.put("flink.restart-strategy.type", "fixed-delay");
        values.put("flink.restart-strategy.fixed-delay.attempts", "3");
        values.put("flink.restart-strategy.fixed-delay.delay", "200 ms");
        FailOnce.reset();
        JobClient job =
                TickJobUnderTest.start(TickJobConfig.from(values), new FailOnce(half + 1), "mapped ticks " + model);
        try {
            produce(input, records.subList(0, half));
            long deadline = System.currentTimeMillis() + 30_000;
            while ((FailOnce.SEEN.get() < half || FailOnce.CHECKPOINTS.get() == 0)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            List<String> rest = new ArrayList<>(records.subList(half, records.size()));
            rest.addAll(flushes);
            produce(input, rest);
            // Every record but the flush records comes out somewhere; reading on past them, a
            // duplicate would show.
            return Result.of(JobOutput.decode(
                    TopicReader.committed(KAFKA.clientProperties())
                            .read(
                                    List.of(output, dlq),
                                    records.size(),
                                    Duration.ofSeconds(60),
                                    TopicReader.REPEAT_WINDOW),
                    TickPrediction.class));
        } finally {
            job.cancel().get();
        }
    }

    /** The JSON Pointer a dead letter's error names ("field /readings/hum is missing ..."), or "-". */
    private static String fieldPath(String error) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("field (/\\S+)").matcher(error);
        return m.find() ? m.group(1) : "-";
    }
}
