package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import io.inferstream.testing.JobConfigs;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stateful RNN step with Flink's keyed operator harness: order, lateness, TTL, restore. */
class RnnStepOperatorTest {
    @TempDir
    Path dir;

    private final TinyRnnCell tiny = new TinyRnnCell(3);
    private Path model;

    @BeforeEach
    void writeModel() throws Exception {
        model = tiny.write(dir, "tiny", Map.of());
    }

    private TickJobConfig config(Path modelFile, Map<String, String> extra) {
        Map<String, Object> values = JobConfigs.offline(modelFile).toMap();
        values.putAll(extra);
        return TickJobConfig.from(values);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> harness(
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

    private KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> harness(Map<String, String> extra)
            throws Exception {
        return harness(config(model, extra), null);
    }

    private static long offset;

    static TickInput tick(String key, long ts, double value) {
        TickInput t = new TickInput();
        t.key = key;
        t.ts = ts;
        t.values = new double[] {value};
        t.raw = new KafkaInput("ticks", 0, offset++, ts, key.getBytes(), ("{\"ts\":" + ts + "}").getBytes());
        t.id = t.raw.coordinates();
        return t;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> h, TickInput t)
            throws Exception {
        h.processElement(new StreamRecord<>(t, t.ts));
    }

    /** Outputs per key, as (step, output) in emission order. */
    private static Map<String, List<ForecastRecord>> byKey(List<ForecastRecord> out) {
        return out.stream().collect(Collectors.groupingBy(f -> f.key, LinkedHashMap::new, Collectors.toList()));
    }

    private void assertMatchesOffline(List<ForecastRecord> forecasts, List<Double> sequence) {
        List<Double> expected = tiny.run(sequence);
        assertThat(forecasts).hasSize(sequence.size());
        for (int i = 0; i < sequence.size(); i++) {
            assertThat(forecasts.get(i).step).isEqualTo(i + 1);
            assertThat(forecasts.get(i).inputs[0]).isEqualTo(sequence.get(i));
            assertThat(forecasts.get(i).outputs[0]).isCloseTo(expected.get(i), within(1e-5));
        }
    }

    @Test
    void shouldStepEachKeyInEventTimeOrderWhateverTheArrivalOrder() throws Exception {
        try (var h = harness(Map.of())) {
            send(h, tick("a", 3, 0.3));
            send(h, tick("b", 2, -0.2));
            send(h, tick("a", 1, 0.1));
            send(h, tick("a", 2, 0.2));
            send(h, tick("b", 1, -0.1));

            h.processWatermark(new Watermark(3));

            Map<String, List<ForecastRecord>> out = byKey(h.extractOutputValues());
            assertThat(out.get("a")).extracting(f -> f.eventTime).containsExactly(1L, 2L, 3L);
            assertMatchesOffline(out.get("a"), List.of(0.1, 0.2, 0.3));
            assertMatchesOffline(out.get("b"), List.of(-0.1, -0.2));
            assertThat(out.get("a").get(0).outputNames).containsExactly("y0");
        }
    }

    @Test
    void shouldHoldTicksUntilTheWatermarkPassesThem() throws Exception {
        try (var h = harness(Map.of())) {
            send(h, tick("a", 10, 1.0));
            send(h, tick("a", 20, 2.0));

            h.processWatermark(new Watermark(15));
            assertThat(h.extractOutputValues()).extracting(f -> f.eventTime).containsExactly(10L);

            h.processWatermark(new Watermark(20));
            assertThat(h.extractOutputValues()).extracting(f -> f.eventTime).containsExactly(10L, 20L);
            // Forecasts go out before the watermark that released them.
            Object[] emitted = h.getOutput().toArray();
            assertThat(emitted[1]).isEqualTo(new Watermark(15));
            assertThat(((StreamRecord<?>) emitted[2]).getTimestamp()).isEqualTo(20L);
            assertThat(emitted[3]).isEqualTo(new Watermark(20));
        }
    }

    @Test
    void shouldDeadLetterTicksBehindTheWatermarkAndDuplicateTimestamps() throws Exception {
        try (var h = harness(Map.of())) {
            send(h, tick("a", 10, 1.0));
            send(h, tick("a", 12, 1.2));
            send(h, tick("a", 12, 9.9));
            h.processWatermark(new Watermark(10));
            send(h, tick("a", 10, 5.0));
            send(h, tick("a", 9, 5.0));
            h.processWatermark(new Watermark(20));

            assertMatchesOffline(h.extractOutputValues(), List.of(1.0, 1.2));
            List<DeadLetterRecord> dead = new ArrayList<>();
            h.getSideOutput(RnnStepOperator.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
            assertThat(dead).extracting(d -> d.reason).containsExactly("DUPLICATE_TIMESTAMP", "LATE", "LATE");
            assertThat(dead.get(1).error).contains("tick at 10 is 1 ms behind the watermark 10");
            assertThat(dead.get(0).value).isEqualTo("{\"ts\":12}".getBytes());
        }
    }

    @Test
    void shouldDeadLetterValuesBeyondFloatRangeOnceStandardizedAndStepTheRest() throws Exception {
        // std 1e-3 takes 1e36 to 1e39: finite as a double, infinite as the cell's float input.
        try (var h = harness(Map.of("model.mean", "0", "model.std", "0.001"))) {
            send(h, tick("a", 1, 0.1));
            send(h, tick("a", 2, 1e36));
            send(h, tick("a", 3, 0.3));
            h.processWatermark(new Watermark(3));

            assertThat(h.extractOutputValues()).extracting(f -> f.inputs[0]).containsExactly(0.1, 0.3);
            assertThat(h.extractOutputValues())
                    .allSatisfy(f -> assertThat(f.outputs[0]).isFinite());
            List<DeadLetterRecord> dead = new ArrayList<>();
            h.getSideOutput(RnnStepOperator.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
            assertThat(dead).extracting(d -> d.reason).containsExactly("OUT_OF_RANGE");
            assertThat(dead.get(0).error)
                    .contains("values[0] = 1.0E36 is 1.0000000000000001E39 once standardized")
                    .contains("std 0.001");
        }
    }

    @Test
    void shouldBatchManyKeysAcrossSeveralCallsWithTheSameResults() throws Exception {
        try (var h = harness(Map.of("batch.max-size", "2"))) {
            for (int k = 0; k < 5; k++) {
                for (int t = 1; t <= 4; t++) {
                    send(h, tick("k" + k, t, k * 0.1 + t * 0.01));
                }
            }
            h.processWatermark(new Watermark(4));

            Map<String, List<ForecastRecord>> out = byKey(h.extractOutputValues());
            for (int k = 0; k < 5; k++) {
                List<Double> seq = new ArrayList<>();
                for (int t = 1; t <= 4; t++) {
                    seq.add(k * 0.1 + t * 0.01);
                }
                assertMatchesOffline(out.get("k" + k), seq);
            }
        }
    }

    @Test
    void shouldStartAKeyAfreshAfterTheTimeToLive() throws Exception {
        try (var h = harness(Map.of("state.ttl-ms", "100"))) {
            send(h, tick("a", 1, 0.5));
            send(h, tick("a", 50, 0.6));
            h.processWatermark(new Watermark(60));
            send(h, tick("a", 151, 0.7)); // 101 ms after the last tick: beyond the TTL
            h.processWatermark(new Watermark(200));

            List<ForecastRecord> out = h.extractOutputValues();
            assertMatchesOffline(out.subList(0, 2), List.of(0.5, 0.6));
            assertMatchesOffline(out.subList(2, 3), List.of(0.7));
        }
    }

    @Test
    void shouldFreeTheStateOfAKeyIdlePastTheTimeToLive() throws Exception {
        try (var h = harness(Map.of("state.ttl-ms", "100"))) {
            send(h, tick("a", 1, 0.5));
            h.processWatermark(new Watermark(10));
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);

            h.processWatermark(new Watermark(101));

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void shouldContinueEveryKeyExactlyAfterSnapshotAndRestore() throws Exception {
        List<TickInput> ticks = new ArrayList<>();
        for (int t = 1; t <= 12; t++) {
            for (String key : List.of("a", "b", "c")) {
                ticks.add(tick(key, t * 10 + key.charAt(0) % 3, Math.sin(t + key.charAt(0))));
            }
        }
        List<ForecastRecord> uninterrupted;
        try (var h = harness(Map.of())) {
            for (TickInput t : ticks) {
                send(h, t);
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            uninterrupted = h.extractOutputValues();
        }

        List<ForecastRecord> interrupted = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(Map.of())) {
            for (TickInput t : ticks.subList(0, 20)) {
                send(h, t);
            }
            h.processWatermark(new Watermark(45)); // some ticks stepped, some still pending in state
            interrupted.addAll(h.extractOutputValues());
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(config(model, Map.of()), snapshot)) {
            for (TickInput t : ticks.subList(20, ticks.size())) {
                send(h, t);
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            interrupted.addAll(h.extractOutputValues());
        }

        assertThat(interrupted).hasSize(uninterrupted.size());
        Map<String, List<ForecastRecord>> expected = byKey(uninterrupted);
        Map<String, List<ForecastRecord>> actual = byKey(interrupted);
        for (String key : expected.keySet()) {
            assertThat(actual.get(key))
                    .extracting(f -> f.step)
                    .isEqualTo(expected.get(key).stream().map(f -> f.step).toList());
            assertThat(actual.get(key))
                    .extracting(f -> f.outputs[0])
                    .isEqualTo(expected.get(key).stream().map(f -> f.outputs[0]).toList());
        }
    }

    @Test
    void shouldRefuseRestoredStateOfAnotherShapeUnlessToldToReset() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(Map.of())) {
            send(h, tick("a", 1, 0.5));
            h.processWatermark(new Watermark(1));
            send(h, tick("a", 2, 0.6));
            snapshot = h.snapshot(1L, 1L);
        }
        TinyRnnCell bigger = new TinyRnnCell(5);
        Path biggerModel = bigger.write(dir, "bigger", Map.of());

        assertThatThrownBy(() -> harness(config(biggerModel, Map.of()), snapshot))
                .hasStackTraceContaining("restored hidden state has shape h[3] but model tiny-rnn v1 expects h[5]")
                .hasStackTraceContaining("state.reset-on-model-change");

        try (var h = harness(config(biggerModel, Map.of("state.reset-on-model-change", "true")), snapshot)) {
            h.processWatermark(new Watermark(10));
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).step).isEqualTo(1);
            assertThat(out.get(0).outputs[0]).isCloseTo(bigger.run(List.of(0.6)).get(0), within(1e-5));
        }
    }
}
