package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.avro.HorizonForecast;
import io.inferstream.avro.TickPrediction;
import io.inferstream.config.TickJobConfig;
import io.inferstream.local.KafkaClients;
import io.inferstream.output.RecordDecoder;
import io.inferstream.records.TickInput;
import io.inferstream.testing.FailOnceAfterCheckpoint;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.OfflineForecasts;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Horizons and anomaly alerts through a real broker, exactly once, with a failure injected
 * mid-stream: every key's horizon equals an offline rollout of the same cell, the alerts topic
 * holds the spiked ticks and nothing from the clean keys, and both topics are the same as in a run
 * without the failure.
 */
class ForecastAnomalyKafkaITCase {
    private static final int KEYS = 40;
    private static final int STEPS = 60;
    private static final int HORIZON = 4;
    /** Keys below this get a spike at SPIKE_STEP; the others are the clean stretch. */
    private static final int SPIKED_KEYS = 5;

    private static final int SPIKE_STEP = 45;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    Path dir;

    private static double value(int key, int step) {
        double v = Math.sin(0.3 * step + key) + 0.02 * key;
        return key < SPIKED_KEYS && step == SPIKE_STEP ? v + 30 : v;
    }

    private static String key(int k) {
        return String.format(Locale.ROOT, "key-%02d", k);
    }

    @Test
    void shouldForecastTheRolloutAndAlertOnSpikesOnlyExactlyOnceThroughAFailover() throws Exception {
        Path model = new TinyRnnCell(8).write(dir, "tiny", Map.of());
        String input = KAFKA.createTopic("ticks-forecast", 2);
        int ticks = produce(input);

        FailOnceAfterCheckpoint<TickInput> failure =
                FailOnceAfterCheckpoint.afterRecords(ticks / 2, Duration.ofNanos(2_000_000));
        Result reference = run(model, input, "reference", FailOnceAfterCheckpoint.never(), ticks);
        Result failed = run(model, input, "failover", failure, ticks);

        assertThat(failure.failed()).as("the failure was injected").isTrue();
        assertThat(reference.forecasts).hasSize(KEYS);
        assertThat(failed.forecasts)
                .as("committed forecasts after the failover")
                .isEqualTo(reference.forecasts);
        assertThat(failed.alerts).as("committed alerts after the failover").isEqualTo(reference.alerts);

        TickJobConfig cfg = config(model, input, "oracle");
        for (int k = 0; k < KEYS; k++) {
            List<double[]> sequence = new ArrayList<>();
            for (int s = 0; s < STEPS; s++) {
                sequence.add(new double[] {value(k, s)});
            }
            List<OfflineForecasts.Expected> expected = OfflineForecasts.run(
                    model, cfg.modelOverrides, sequence, HORIZON, cfg.forecast.errorDecay, cfg.forecast.intervalLevel);
            List<TickPrediction> got = reference.records.get(key(k));
            assertThat(got).hasSize(STEPS);
            for (int s = 0; s < STEPS; s++) {
                List<HorizonForecast> horizon = got.get(s).getHorizon();
                assertThat(horizon).hasSize(HORIZON);
                for (int h = 0; h < HORIZON; h++) {
                    assertThat(horizon.get(h).getOutputs().get("y0"))
                            .as("%s tick %d, %d ahead", key(k), s, h + 1)
                            .isCloseTo(expected.get(s).horizon()[h], within(1e-5));
                }
            }
        }

        List<String> spikes = new ArrayList<>();
        for (int k = 0; k < SPIKED_KEYS; k++) {
            spikes.add(key(k) + "@" + (SPIKE_STEP + 1));
        }
        assertThat(reference.alerts).as("every spike is flagged").containsAll(spikes);
        assertThat(reference.alerts)
                .as("nothing flagged on the clean keys or before a spike")
                .allSatisfy(alert -> {
                    int k = Integer.parseInt(alert.substring(4, 6));
                    long step = Long.parseLong(alert.substring(alert.indexOf('@') + 1));
                    assertThat(k).isLessThan(SPIKED_KEYS);
                    assertThat(step).isGreaterThan(SPIKE_STEP);
                });
        assertThat(reference.flagged).containsExactlyInAnyOrderElementsOf(reference.alerts);
    }

    /** Ticks one second apart per key, each key on its own partition by Kafka key, and a flush tick per partition. */
    private static int produce(String topic) {
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(KAFKA.bootstrapServers())) {
            for (int step = 0; step < STEPS; step++) {
                for (int k = 0; k < KEYS; k++) {
                    TickRecords.send(
                            producer, topic, null, key(k), TickRecords.json(1_000_000 + step * 1000L, value(k, step)));
                    sent++;
                }
            }
            TickRecords.sendFlushTicks(producer, topic, 2, 1_000_000 + STEPS * 10_000L);
            producer.flush();
            return sent;
        }
    }

    private TickJobConfig config(Path model, String input, String name) {
        return TickJobConfig.from(JobConfigs.onBroker(KAFKA.bootstrapServers(), "forecast-it-" + name, model)
                .set("kafka.group-id", "forecast-it-" + name)
                .topics(input, "forecasts-" + name, "ticks-dlq-" + name)
                .set("topics.alerts", "alerts-" + name)
                .set("forecast.horizon", Integer.toString(HORIZON))
                .set("anomaly.min-steps", "20")
                .set("parallelism", "2")
                .checkpointEvery(300, dir.resolve("checkpoints-" + name))
                .restartAfterInjectedFailure()
                .toMap());
    }

    /**
     * Forecasts per key (each rendered whole, in order), the records themselves, the alerts as
     * key@step, and the forecasts flagged anomalous as key@step.
     */
    private record Result(
            Map<String, List<String>> forecasts,
            Map<String, List<TickPrediction>> records,
            List<String> alerts,
            List<String> flagged) {}

    private Result run(Path model, String input, String name, FailOnceAfterCheckpoint<TickInput> failure, int ticks)
            throws Exception {
        KAFKA.createTopic("forecasts-" + name, 2);
        KAFKA.createTopic("ticks-dlq-" + name, 2);
        KAFKA.createTopic("alerts-" + name, 2);
        TickJobConfig cfg = config(model, input, name);
        JobClient job = TickJobUnderTest.start(cfg, failure, "forecast anomaly it " + name);
        try {
            return collect(cfg, ticks);
        } finally {
            job.cancel().get();
        }
    }

    private static Result collect(TickJobConfig cfg, int expected) {
        Map<String, List<String>> forecasts = new TreeMap<>();
        Map<String, List<TickPrediction>> records = new TreeMap<>();
        List<String> alerts = new ArrayList<>();
        List<String> flagged = new ArrayList<>();
        String alertsTopic = cfg.forecast.alertsTopic;
        // Read until every forecast arrived (alerts aside), then a while more: anything extra would be a duplicate.
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.committed(KAFKA.clientProperties())
                .counting(r -> !r.topic().equals(alertsTopic))
                .read(
                        List.of(cfg.common.outputTopic, alertsTopic),
                        expected,
                        Duration.ofSeconds(120),
                        TopicReader.REPEAT_WINDOW)) {
            TickPrediction p = (TickPrediction) RecordDecoder.decodeAvro(record.value());
            String at = p.getKey() + "@" + p.getStep();
            if (record.topic().equals(alertsTopic)) {
                alerts.add(at);
                continue;
            }
            forecasts
                    .computeIfAbsent(p.getKey(), k -> new ArrayList<>())
                    .add(TickPrediction.newBuilder(p)
                            .setPredictedAt(java.time.Instant.EPOCH)
                            .build()
                            .toString());
            records.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p);
            if (p.getAnomaly()) {
                flagged.add(at);
            }
        }
        alerts.sort(null);
        flagged.sort(null);
        return new Result(forecasts, records, alerts, flagged);
    }
}
