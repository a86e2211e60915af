package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.OfflineForecasts;
import io.inferstream.testing.PyTorchFixtures;
import io.inferstream.testing.TinyRnnCell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Horizons, intervals and anomaly flags of the RNN step, against {@link OfflineForecasts}: the
 * same cell run directly, one key at a time.
 */
class RnnStepOperatorHorizonTest {
    @TempDir
    Path dir;

    private Path model;

    /** Standardization in and out that is not the identity, so the feedback's mapping counts. */
    private static final Map<String, String> MAPPING =
            Map.of("model.mean", "0.2", "model.std", "1.5", "model.output-mean", "0.1", "model.output-std", "2");

    @BeforeEach
    void writeModel() throws Exception {
        model = new TinyRnnCell(4).write(dir, "tiny", Map.of());
    }

    private TickJobConfig config(Map<String, String> extra) {
        Map<String, Object> values = JobConfigs.offline(model).toMap();
        values.putAll(MAPPING);
        values.putAll(extra);
        return TickJobConfig.from(values);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> harness(
            TickJobConfig config, OperatorSubtaskState restoreFrom) throws Exception {
        RnnCellSpec spec = OnnxRnnCell.inspect(config.modelFile(), config.modelOverrides);
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new RnnStepOperator(config, spec), (TickInput t) -> t.key, Types.STRING);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static long offset;

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> h,
            String key,
            long ts,
            double value)
            throws Exception {
        TickInput t = new TickInput();
        t.key = key;
        t.ts = ts;
        t.values = new double[] {value};
        t.raw = new KafkaInput("ticks", 0, offset++, ts, key.getBytes(), new byte[0]);
        t.id = t.raw.coordinates();
        h.processElement(new StreamRecord<>(t, ts));
    }

    private static double series(int key, int t) {
        return Math.sin(0.4 * t + key) + 0.05 * key;
    }

    private static Map<String, List<ForecastRecord>> byKey(List<ForecastRecord> out) {
        return out.stream().collect(Collectors.groupingBy(f -> f.key, LinkedHashMap::new, Collectors.toList()));
    }

    private void assertMatchesOffline(TickJobConfig config, List<ForecastRecord> forecasts, List<Double> sequence) {
        List<double[]> ticks = sequence.stream().map(v -> new double[] {v}).toList();
        List<OfflineForecasts.Expected> expected = OfflineForecasts.run(
                model,
                config.modelOverrides,
                ticks,
                config.forecast.horizon,
                config.forecast.errorDecay,
                config.forecast.intervalLevel);
        assertThat(forecasts).hasSize(sequence.size());
        int k = config.forecast.horizon;
        for (int i = 0; i < sequence.size(); i++) {
            ForecastRecord f = forecasts.get(i);
            OfflineForecasts.Expected e = expected.get(i);
            assertThat(f.outputs[0]).isCloseTo(e.horizon()[0], within(1e-5));
            if (k > 1) {
                assertThat(f.horizon).hasSize(k);
                for (int h = 0; h < k; h++) {
                    assertThat(f.horizon[h]).as("tick %d, %d ahead", i, h + 1).isCloseTo(e.horizon()[h], within(1e-5));
                }
            } else {
                assertThat(f.horizon).isNull();
            }
            for (int h = 0; h < k; h++) {
                if (Double.isNaN(e.lower()[h])) {
                    assertThat(f.lower[h])
                            .as("no interval before an error, tick %d, %d ahead", i, h + 1)
                            .isNaN();
                } else {
                    assertThat(f.lower[h]).isCloseTo(e.lower()[h], within(1e-4));
                    assertThat(f.upper[h]).isCloseTo(e.upper()[h], within(1e-4));
                }
            }
            if (Double.isNaN(e.score())) {
                assertThat(f.anomalyScore).isNaN();
            } else {
                assertThat(f.anomalyScore).isCloseTo(e.score(), within(1e-3 * Math.max(1, e.score())));
            }
        }
    }

    @Test
    void shouldForecastTheHorizonAsAnOfflineRolloutOfTheSameCell() throws Exception {
        TickJobConfig config = config(Map.of("forecast.horizon", "5"));
        List<Double> sequence = new ArrayList<>();
        try (var h = harness(config, null)) {
            for (int t = 1; t <= 30; t++) {
                send(h, "a", t * 1000L, series(0, t));
                sequence.add(series(0, t));
                if (t % 7 == 0) {
                    h.processWatermark(new Watermark(t * 1000L));
                }
            }
            h.processWatermark(new Watermark(30_000));
            List<ForecastRecord> out = h.extractOutputValues();
            assertMatchesOffline(config, out, sequence);
            assertThat(out.get(0).targetTimes)
                    .as("no interval known after one tick")
                    .isNull();
            assertThat(out.get(29).targetTimes).containsExactly(31_000L, 32_000L, 33_000L, 34_000L, 35_000L);
            assertThat(java.util.Arrays.stream(out.get(0).lower).allMatch(Double::isNaN))
                    .isTrue();
        }
    }

    @Test
    void shouldForecastManyKeysInBatchesAsEachKeyAlone() throws Exception {
        TickJobConfig config = config(Map.of("forecast.horizon", "4", "batch.max-size", "3"));
        try (var h = harness(config, null)) {
            for (int t = 1; t <= 12; t++) {
                for (int k = 0; k < 7; k++) {
                    send(h, "k" + k, t * 10L, series(k, t));
                }
                if (t % 5 == 0) {
                    h.processWatermark(new Watermark(t * 10L));
                }
            }
            h.processWatermark(new Watermark(1000));
            Map<String, List<ForecastRecord>> out = byKey(h.extractOutputValues());
            for (int k = 0; k < 7; k++) {
                List<Double> seq = new ArrayList<>();
                for (int t = 1; t <= 12; t++) {
                    seq.add(series(k, t));
                }
                assertMatchesOffline(config, out.get("k" + k), seq);
            }
        }
    }

    @Test
    void shouldContinueHorizonsAndSpreadsExactlyAfterSnapshotAndRestore() throws Exception {
        TickJobConfig config = config(Map.of("forecast.horizon", "3"));
        List<Double> sequence = new ArrayList<>();
        List<ForecastRecord> out = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(config, null)) {
            for (int t = 1; t <= 10; t++) {
                send(h, "a", t, series(2, t));
                sequence.add(series(2, t));
            }
            h.processWatermark(new Watermark(10));
            out.addAll(h.extractOutputValues());
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(config, snapshot)) {
            for (int t = 11; t <= 20; t++) {
                send(h, "a", t, series(2, t));
                sequence.add(series(2, t));
            }
            h.processWatermark(new Watermark(20));
            out.addAll(h.extractOutputValues());
        }
        assertMatchesOffline(config, out, sequence);
    }

    @Test
    void shouldFlagInjectedSpikesOnlyAndSendThemToTheAlerts() throws Exception {
        TickJobConfig config = config(Map.of("anomaly.min-steps", "20", "anomaly.threshold", "4"));
        List<Double> sequence = new ArrayList<>();
        try (var h = harness(config, null)) {
            for (int t = 1; t <= 80; t++) {
                double v = series(1, t) + (t == 50 ? 30 : 0) + (t == 10 ? 12 : 0);
                sequence.add(v);
                send(h, "a", t, v);
            }
            h.processWatermark(new Watermark(80));
            List<ForecastRecord> out = h.extractOutputValues();
            assertMatchesOffline(config, out, sequence);
            List<Long> flagged =
                    out.stream().filter(f -> f.anomaly).map(f -> f.step).toList();
            assertThat(out.get(9).anomalyScore)
                    .as("the spike in the warm-up scores high")
                    .isGreaterThan(4);
            assertThat(flagged)
                    .as("the spike after the warm-up, not the one in it")
                    .startsWith(50L);
            assertThat(out.subList(20, 49)).as("a clean stretch").noneMatch(f -> f.anomaly);
            List<ForecastRecord> alerts = new ArrayList<>();
            h.getSideOutput(RnnStepOperator.ALERTS).forEach(r -> alerts.add(r.getValue()));
            assertThat(alerts).extracting(f -> f.step).containsExactlyElementsOf(flagged);
        }
    }

    @Test
    void shouldRefuseAHorizonForAModelWhoseOutputsAreNotItsInputs() throws Exception {
        // lstm2_step reads 2 features and forecasts 1.
        Map<String, Object> values =
                JobConfigs.offline(PyTorchFixtures.model("lstm2_step")).toMap();
        values.put("model.state-inputs", "h,c");
        values.put("model.state-outputs", "h_next,c_next");
        values.put("forecast.horizon", "3");
        TickJobConfig horizon = TickJobConfig.from(values);
        RnnCellSpec spec = OnnxRnnCell.inspect(horizon.modelFile(), horizon.modelOverrides);
        assertThatThrownBy(() -> new RnnStepOperator(horizon, spec))
                .hasMessageContaining("forecast.horizon = '3'")
                .hasMessageContaining("takes 2 features and returns 1 outputs");
        values.remove("forecast.horizon");
        values.put("topics.alerts", "alerts");
        TickJobConfig alerts = TickJobConfig.from(values);
        assertThatThrownBy(() -> new RnnStepOperator(alerts, spec))
                .hasMessageContaining("expected a model whose outputs");
        values.remove("topics.alerts");
        TickJobConfig plain = TickJobConfig.from(values);
        try (var h = harness(plain, null)) {
            TickInput t = new TickInput();
            t.key = "a";
            t.ts = 1;
            t.values = new double[] {0.5, -0.5};
            t.raw = new KafkaInput("ticks", 0, offset++, 1, new byte[0], new byte[0]);
            t.id = t.raw.coordinates();
            h.processElement(new StreamRecord<>(t, 1));
            h.processWatermark(new Watermark(1));
            ForecastRecord f = h.extractOutputValues().get(0);
            assertThat(f.lower)
                    .as("served without intervals when none were asked for")
                    .isNull();
            assertThat(f.anomalyScore).isNaN();
        }
    }

    /**
     * A snapshot the operator wrote at commit 7f11838, before RnnKeyState had the forecast fields:
     * key "a" with ticks 0.1 to 0.5 at 1 to 5 stepped through TinyRnnCell(3).
     */
    @Test
    void shouldRestoreKeyStateWrittenBeforeTheForecastFields() throws Exception {
        TinyRnnCell tiny = new TinyRnnCell(3);
        Path oldModel = tiny.write(dir, "tiny3", Map.of());
        OperatorSubtaskState snapshot =
                OperatorSnapshotUtil.readStateHandle("src/test/resources/state/rnn-operator-7f11838.snapshot");
        TickJobConfig config = TickJobConfig.from(JobConfigs.offline(oldModel).toMap());
        List<Double> sequence = new ArrayList<>();
        for (int t = 1; t <= 12; t++) {
            sequence.add(0.1 * t);
        }
        try (var h = harness(config, snapshot)) {
            for (int t = 6; t <= 12; t++) {
                send(h, "a", t, 0.1 * t);
            }
            h.processWatermark(new Watermark(12));
            List<ForecastRecord> out = h.extractOutputValues();
            List<Double> expected = tiny.run(sequence);
            assertThat(out).extracting(f -> f.step).containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L);
            for (int i = 0; i < out.size(); i++) {
                assertThat(out.get(i).outputs[0]).isCloseTo(expected.get(i + 5), within(1e-5));
            }
            assertThat(out.get(0).lower[0])
                    .as("no errors kept before the restore")
                    .isNaN();
            assertThat(out.get(1).lower[0]).as("one error after it").isNotNaN();
            assertThat(out.get(2).anomalyScore).isNotNaN();
        }
    }
}
