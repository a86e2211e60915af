package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.avro.ModelStatus;
import io.inferstream.avro.TickPrediction;
import io.inferstream.cli.Inferstream;
import io.inferstream.config.TickJobConfig;
import io.inferstream.local.KafkaClients;
import io.inferstream.output.RecordDecoder;
import io.inferstream.records.TickInput;
import io.inferstream.testing.FailOnceAfterCheckpoint;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.TickRecords;
import io.inferstream.testing.TinyRnnCell;
import io.inferstream.testing.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Live model updates through a real broker and Flink runtime, exactly-once, parallelism 2: a
 * broken model is refused while forecasts go on, a good one changes the version from then on,
 * keys keep their hidden state across the swap, and after a failure the restored job serves the
 * updated model, not the configured one. Every tick is forecast exactly once.
 */
class ModelUpdateKafkaITCase {
    private static final int KEYS = 50;
    private static final int STEPS = 10;
    private static final long STEP_MS = 100;
    private static final String JOB = "tick-update-it";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    Path dir;

    /** Armed after the model update: fails at the first tick after a checkpoint completed since. */
    private final FailOnceAfterCheckpoint<TickInput> failure = FailOnceAfterCheckpoint.whenArmed();

    @Test
    void shouldRefuseABrokenModelSwapInAGoodOneAndKeepItAcrossAFailover() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        TinyRnnCell cellA = new TinyRnnCell(4, 0.5f);
        Path modelA = cellA.write(models, "a", Map.of());
        Path modelB = new TinyRnnCell(4, 1.5f).write(models, "b", Map.of());
        Path broken = Files.writeString(models.resolve("broken.onnx"), "not a model");
        String input = KAFKA.createTopic("ticks-upd", 2);
        String output = KAFKA.createTopic("forecasts-upd", 2);
        String dlq = KAFKA.createTopic("ticks-upd-dlq", 2);
        String updates = KAFKA.createTopic("model-updates-it", 1);
        String status = KAFKA.createTopic("model-status-it", 1);

        JobClient job = start(modelA, input, output, dlq, updates, status);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(KAFKA.bootstrapServers());
                Reader reader = new Reader(List.of(output, status))) {
            produceSteps(producer, input, 0, STEPS);
            reader.awaitForecasts(KEYS * STEPS);

            String update = "{\"job\":\"" + JOB + "\",\"uri\":\"" + broken + "\",\"version\":\"bad\"}";
            producer.send(new ProducerRecord<>(updates, update.getBytes(StandardCharsets.UTF_8)));
            reader.awaitStatuses(s -> s.getStatus().equals("REFUSED"), 2);
            produceSteps(producer, input, STEPS, STEPS + 2);
            reader.awaitForecasts(KEYS * (STEPS + 2));

            // The good one through the command line, which waits for both instances' answers.
            CommandLine cli = Inferstream.commandLine();
            StringWriter cliOut = new StringWriter();
            cli.setOut(new PrintWriter(cliOut));
            int code = cli.execute(modelsUpdate(modelB, "2", updates, status));
            assertThat(code).as(cliOut.toString()).isZero();
            assertThat(cliOut.toString())
                    .contains("instance 0: ACCEPTED, serving version 2")
                    .contains("instance 1: ACCEPTED, serving version 2");
            reader.awaitStatuses(s -> s.getStatus().equals("ACCEPTED"), 2);
            // A blank version is refused as unreadable; the answers still reach the command, by request id.
            StringWriter blankOut = new StringWriter();
            cli.setOut(new PrintWriter(blankOut));
            int blankCode = cli.execute(modelsUpdate(modelB, " ", updates, status));
            assertThat(blankCode).as(blankOut.toString()).isEqualTo(1);
            assertThat(blankOut.toString())
                    .contains("instance 0: REFUSED, serving version 2 (model update has no \"version\"")
                    .contains("instance 1: REFUSED, serving version 2 (model update has no \"version\"");
            reader.awaitStatuses(s -> s.getStatus().equals("REFUSED"), 4);
            failure.arm();
            produceSteps(producer, input, STEPS + 2, STEPS + 5);
            reader.awaitForecasts(KEYS * (STEPS + 5));
            // Committed output means a checkpoint completed since arming: the next tick fails the job.
            produceSteps(producer, input, STEPS + 5, 2 * STEPS);
            reader.awaitForecasts(KEYS * 2 * STEPS);
            reader.readQuietly(3000);

            assertThat(failure.failed())
                    .as("the failure was injected after the update")
                    .isTrue();
            List<ModelStatus> statuses = reader.statuses;
            assertThat(statuses).hasSize(6);
            assertThat(statuses.subList(0, 2))
                    .allSatisfy(s -> assertThat(s.getReason()).contains("cannot load it"))
                    .extracting(ModelStatus::getActiveVersion)
                    .containsOnly("1");
            assertThat(statuses.subList(2, 4))
                    .extracting(s -> s.getSubtask() + ":" + s.getActiveVersion())
                    .containsExactlyInAnyOrder("0:2", "1:2");
            assertThat(statuses.subList(2, 6))
                    .extracting(ModelStatus::getRequestId)
                    .doesNotContainNull()
                    .hasSize(4);

            assertThat(reader.ids).doesNotHaveDuplicates();
            assertThat(reader.total).isEqualTo(KEYS * 2 * STEPS);
            for (int k = 0; k < KEYS; k++) {
                String key = key(k);
                List<TickPrediction> forecasts = reader.forecasts.get(key);
                List<Double> values = new ArrayList<>();
                for (int s = 0; s < 2 * STEPS; s++) {
                    values.add(value(k, s));
                }
                List<Double> offlineA = cellA.run(values);
                assertThat(forecasts).hasSize(2 * STEPS);
                for (int s = 0; s < 2 * STEPS; s++) {
                    TickPrediction f = forecasts.get(s);
                    boolean updated = s >= STEPS + 2;
                    assertThat(f.getStep()).isEqualTo(s + 1);
                    assertThat(f.getModelVersion()).as(key + " step " + s).isEqualTo(updated ? "2" : "1");
                    // Model B is model A with the output moved by +1: the same hidden state carried on.
                    assertThat(f.getOutputs().get("y0"))
                            .as(key + " step " + s)
                            .isCloseTo(offlineA.get(s) + (updated ? 1.0 : 0.0), within(1e-5));
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    private JobClient start(Path model, String input, String output, String dlq, String updates, String status)
            throws Exception {
        Map<String, Object> values = JobConfigs.onBroker(KAFKA.bootstrapServers(), JOB, model)
                .set("kafka.group-id", JOB)
                .topics(input, output, dlq)
                .set("model-updates.enabled", "true")
                .set("model-updates.topic", updates)
                .set("model-updates.status-topic", status)
                .set("parallelism", "2")
                .set("order.max-out-of-orderness-ms", "500")
                .checkpointEvery(300, dir.resolve("checkpoints"))
                .restartAfterInjectedFailure()
                .toMap();
        return TickJobUnderTest.start(TickJobConfig.from(values), failure, "model update it");
    }

    /** {@code models update} of job JOB to {@code model} as {@code version}, answered by both instances. */
    private static String[] modelsUpdate(Path model, String version, String updates, String status) {
        return new String[] {
            "models",
            "update",
            JOB,
            "--bootstrap",
            KAFKA.bootstrapServers(),
            "--uri",
            model.toString(),
            "--model-version",
            version,
            "--topic",
            updates,
            "--status-topic",
            status,
            "--instances",
            "2"
        };
    }

    private static String key(int k) {
        return String.format(Locale.ROOT, "key-%02d", k);
    }

    private static double value(int k, int step) {
        return Math.sin(0.4 * step + k);
    }

    /**
     * Steps [from, to) of every key, then one tick per partition just far enough ahead that the
     * watermark (600 ms behind, out-of-orderness 500 ms) releases all of them but none of the next
     * steps, which start 100 ms after the last one.
     */
    private static void produceSteps(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
        for (int s = from; s < to; s++) {
            for (int k = 0; k < KEYS; k++) {
                TickRecords.send(producer, topic, null, key(k), TickRecords.json(1000 + s * STEP_MS, value(k, s)));
            }
        }
        TickRecords.sendFlushTicks(producer, topic, 2, 1000 + (to - 1) * STEP_MS + 600);
        producer.flush();
    }

    /** Reads committed forecasts (by key, in order) and model statuses. */
    private static final class Reader implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final List<String> ids = new ArrayList<>();
        final Map<String, List<TickPrediction>> forecasts = new TreeMap<>();
        final List<ModelStatus> statuses = new ArrayList<>();
        /** Forecasts of the real keys, not of the flush ticks. */
        int total;

        Reader(List<String> topics) {
            consumer = TopicReader.committed(KAFKA.clientProperties()).subscribe(topics);
        }

        void pollOnce() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Object value = RecordDecoder.decodeAvro(record.value());
                if (value instanceof TickPrediction p) {
                    ids.add(p.getId());
                    if (p.getKey().startsWith("flush-")) {
                        continue;
                    }
                    total++;
                    forecasts
                            .computeIfAbsent(p.getKey(), k -> new ArrayList<>())
                            .add(p);
                } else if (value instanceof ModelStatus s) {
                    statuses.add(s);
                } else {
                    throw new AssertionError(
                            "unexpected record on " + record.topic() + ": " + RecordDecoder.describe(record.value()));
                }
            }
        }

        void awaitForecasts(int count) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (total < count && System.currentTimeMillis() < deadline) {
                pollOnce();
            }
            assertThat(total).as("committed forecasts").isGreaterThanOrEqualTo(count);
        }

        void awaitStatuses(Predicate<ModelStatus> which, int count) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (statuses.stream().filter(which).count() < count && System.currentTimeMillis() < deadline) {
                pollOnce();
            }
            assertThat(statuses.stream().filter(which).count())
                    .as("statuses " + statuses)
                    .isEqualTo(count);
        }

        void readQuietly(long millis) {
            long until = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < until) {
                pollOnce();
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
