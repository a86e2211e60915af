package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.TickPrediction;
import io.inferstream.config.TickJobConfig;
import io.inferstream.local.KafkaClients;
import io.inferstream.records.TickInput;
import io.inferstream.testing.FailOnceAfterCheckpoint;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.JobOutput;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.TickRecords;
import io.inferstream.testing.TinyRnnCell;
import io.inferstream.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tick job through a real broker, exactly-once, with a failure injected mid-stream: the
 * committed output must be identical to that of a run without the failure.
 */
class TickForecasterKafkaITCase {
    private static final int KEYS = 300;
    private static final int STEPS = 40;
    private static final long STEP_MS = 100;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    Path dir;

    @Test
    void shouldCommitTheSameForecastsWithAFailureMidStreamAsWithout() throws Exception {
        Path model = new TinyRnnCell(8).write(dir, "tiny", Map.of());
        String input = KAFKA.createTopic("ticks-failover", 2);
        int ticks = produce(input);

        // Slowed a little until it fails, so that checkpoints complete while ticks still flow.
        FailOnceAfterCheckpoint<TickInput> failure =
                FailOnceAfterCheckpoint.afterRecords(ticks / 2, Duration.ofNanos(200_000));
        Result reference = run(model, input, "reference", FailOnceAfterCheckpoint.never(), ticks);
        Result failed = run(model, input, "failover", failure, ticks);

        assertThat(failure.failed()).as("the failure was injected").isTrue();
        assertThat(failure.checkpoints())
                .as("checkpoints completed before the failure")
                .isPositive();
        assertThat(reference.forecasts).hasSize(KEYS);
        assertThat(reference.forecasts.values())
                .as("every key forecast at every step, after the microsecond ticks too")
                .allSatisfy(steps -> assertThat(steps).hasSize(STEPS));
        assertThat(reference.count).isEqualTo(ticks - 3 - 2 - 2);
        assertThat(failed.count).as("committed forecasts after the failover").isEqualTo(reference.count);
        assertThat(failed.ids).doesNotHaveDuplicates().hasSize(reference.count);
        assertThat(failed.forecasts).isEqualTo(reference.forecasts);
        assertThat(failed.deadReasons).containsExactlyInAnyOrderElementsOf(reference.deadReasons);
        assertThat(reference.deadReasons)
                .containsExactlyInAnyOrder(
                        "NOT_FINITE", "WRONG_WIDTH", "BAD_TICK", "FUTURE_TIMESTAMP", "FUTURE_TIMESTAMP");
    }

    /**
     * Ticks of KEYS sensors, slightly out of order within the bound, three bad ones, mid-stream a
     * tick stamped in microseconds on each partition (it must not move the watermark past the
     * later ticks), and a flush tick per partition.
     */
    private static int produce(String topic) {
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(KAFKA.bootstrapServers())) {
            for (int step = 0; step < STEPS; step++) {
                if (step == STEPS / 2) {
                    for (int p = 0; p < 2; p++) {
                        TickRecords.send(producer, topic, p, "micros-" + p, "{\"ts\":1700000003000000,\"value\":0}");
                    }
                }
                for (int k = 0; k < KEYS; k++) {
                    // Every third key sends each pair of steps swapped: out of order by one step.
                    int s = k % 3 == 0 ? (step % 2 == 0 ? step + 1 : step - 1) : step;
                    String key = String.format(Locale.ROOT, "key-%03d", k);
                    double value = Math.sin(0.3 * s + k) + 0.01 * k;
                    TickRecords.send(producer, topic, null, key, TickRecords.json(1000 + s * STEP_MS, value));
                    sent++;
                }
            }
            TickRecords.send(producer, topic, null, "bad-1", "{\"ts\":1500,\"value\":NaN}");
            TickRecords.send(producer, topic, null, "bad-2", "{\"ts\":1500,\"values\":[1,2]}");
            TickRecords.send(producer, topic, null, "bad-3", "{\"ts\":");
            TickRecords.sendFlushTicks(producer, topic, 2, 1000 + STEPS * STEP_MS * 10);
            producer.flush();
            return sent + 3 + 2 + 2;
        }
    }

    private record Result(int count, List<String> ids, Map<String, List<String>> forecasts, List<String> deadReasons) {
        static Result of(JobOutput<TickPrediction> out) {
            List<String> ids = new ArrayList<>();
            Map<String, List<String>> forecasts = new TreeMap<>();
            for (TickPrediction p : out.predictions()) {
                ids.add(p.getId());
                forecasts
                        .computeIfAbsent(p.getKey(), k -> new ArrayList<>())
                        .add(p.getEventTime().toEpochMilli() + "@" + p.getStep() + "=" + p.getOutputs());
            }
            List<String> dead =
                    out.deadLetters().stream().map(DeadLetter::getReason).toList();
            return new Result(ids.size(), ids, forecasts, dead);
        }
    }

    private Result run(Path model, String input, String name, FailOnceAfterCheckpoint<TickInput> failure, int ticks)
            throws Exception {
        String output = KAFKA.createTopic("forecasts-" + name, 2);
        String dlq = KAFKA.createTopic("ticks-dlq-" + name, 2);
        Map<String, Object> values = JobConfigs.onBroker(KAFKA.bootstrapServers(), "tick-it-" + name, model)
                .set("kafka.group-id", "tick-it-" + name)
                .topics(input, output, dlq)
                .set("parallelism", "2")
                .set("order.max-out-of-orderness-ms", "500")
                .checkpointEvery(300, dir.resolve("checkpoints-" + name))
                .restartAfterInjectedFailure()
                .toMap();
        JobClient job = TickJobUnderTest.start(TickJobConfig.from(values), failure, "tick failover it " + name);
        try {
            int expected = ticks - 2; // every tick but the two flush ticks comes out somewhere
            // Read until everything arrived, then a while more: anything extra would be a duplicate.
            return Result.of(JobOutput.decode(
                    TopicReader.committed(KAFKA.clientProperties())
                            .read(List.of(output, dlq), expected, Duration.ofSeconds(120), TopicReader.REPEAT_WINDOW),
                    TickPrediction.class));
        } finally {
            job.cancel().get();
        }
    }
}
