package io.inferstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.RnnStepOperator;
import io.inferstream.inference.ModelMetadataKeys;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.RnnKeyState;
import io.inferstream.records.TickInput;
import io.inferstream.testing.TinyRnnCell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL function's one-key step against the tick job's operator (in Flink's keyed harness) on
 * the same ticks: the same steps and outputs under the log-return transform and a TTL, and the
 * model-change rule for state written under other shapes.
 */
class KeyStepperTest {
    private static final long TTL_MS = 50;

    @TempDir
    Path dir;

    private Path logReturnModel;

    @BeforeEach
    void writeModel() throws Exception {
        logReturnModel = new TinyRnnCell(3)
                .write(
                        dir,
                        "tiny-log-return",
                        Map.of(
                                ModelMetadataKeys.INPUT_TRANSFORM, "log-return",
                                ModelMetadataKeys.INPUT_STD, "0.01"));
    }

    /** Ticks of two keys, key b idle longer than the TTL once and exactly the TTL once. */
    private static List<TickInput> ticks() {
        long[] aTimes = {1, 11, 21, 31, 41, 51};
        long[] bTimes = {5, 15, 100, 150, 160};
        List<TickInput> ticks = new ArrayList<>();
        for (int i = 0; i < aTimes.length; i++) {
            ticks.add(tick("a", aTimes[i], 100 + i * 0.5));
        }
        for (int i = 0; i < bTimes.length; i++) {
            ticks.add(tick("b", bTimes[i], 50 - i * 0.25));
        }
        return ticks;
    }

    private static TickInput tick(String key, long ts, double value) {
        TickInput t = new TickInput();
        t.key = key;
        t.ts = ts;
        t.values = new double[] {value};
        t.raw = new KafkaInput("ticks", 0, ts, ts, key.getBytes(), new byte[0]);
        t.id = key + "@" + ts;
        return t;
    }

    private List<ForecastRecord> throughTheJobsOperator(List<TickInput> ticks) throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", logReturnModel.toString());
        values.put("state.ttl-ms", Long.toString(TTL_MS));
        TickJobConfig config = TickJobConfig.from(values);
        RnnCellSpec spec = OnnxRnnCell.inspect(config.modelFile(), config.modelOverrides);
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new RnnStepOperator(config, spec), (TickInput t) -> t.key, Types.STRING)) {
            harness.open();
            for (TickInput t : ticks) {
                harness.processElement(new StreamRecord<>(t, t.ts));
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE - 1));
            return harness.extractOutputValues();
        }
    }

    @Test
    void shouldStepEachTickAsTheJobsOperatorDoes() throws Exception {
        List<TickInput> ticks = ticks();
        Map<String, List<ForecastRecord>> job = new HashMap<>();
        for (ForecastRecord f : throughTheJobsOperator(ticks)) {
            job.computeIfAbsent(f.key, k -> new ArrayList<>()).add(f);
        }
        ticks.sort(Comparator.comparingLong(t -> t.ts));
        Map<String, RnnKeyState> states = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        try (OnnxRnnCell cell = OnnxRnnCell.load(logReturnModel, Map.of(), 1, OnnxOptions.CPU)) {
            KeyStepper stepper = new KeyStepper(cell, TTL_MS, false);
            for (TickInput t : ticks) {
                KeyStepper.Stepped stepped = stepper.step(states.get(t.key), t.ts, t.values);
                states.put(t.key, stepped.state());
                ForecastRecord expected = job.get(t.key).get(seen.merge(t.key, 1, Integer::sum) - 1);
                assertThat(expected.eventTime).isEqualTo(t.ts);
                assertThat(stepped.state().step).as("step of %s", t.id).isEqualTo(expected.step);
                assertThat(stepped.outputs()).as("outputs of %s", t.id).containsExactly(expected.outputs);
            }
        }
        assertThat(job.get("b")).extracting(f -> f.step).containsExactly(1L, 2L, 1L, 2L, 3L);
        assertThat(job.get("a")).hasSize(6);
    }

    @Test
    void shouldRefuseStateWrittenForOtherShapesUnlessResetOnModelChange() throws Exception {
        Path wider = new TinyRnnCell(4).write(dir, "tiny-4", Map.of());
        RnnKeyState written;
        try (OnnxRnnCell cell = OnnxRnnCell.load(logReturnModel, Map.of(), 1, OnnxOptions.CPU)) {
            written = new KeyStepper(cell, 0, false)
                    .step(null, 1, new double[] {1.0})
                    .state();
        }
        try (OnnxRnnCell cell = OnnxRnnCell.load(wider, Map.of(), 1, OnnxOptions.CPU)) {
            assertThatThrownBy(() -> new KeyStepper(cell, 0, false).step(written, 2, new double[] {1.0}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("3 floats")
                    .hasMessageContaining("expects h[4]")
                    .hasMessageContaining("reset_on_model_change => TRUE");

            KeyStepper.Stepped reset = new KeyStepper(cell, 0, true).step(written, 2, new double[] {1.0});
            assertThat(reset.reset()).isEqualTo(KeyStepper.Reset.MODEL_CHANGE);
            assertThat(reset.state().step).isEqualTo(1);
            assertThat(reset.state().state).hasSize(4);
        }
    }
}
