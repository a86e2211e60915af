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
import io.inferstream.testing.PyTorchFixtures;
import io.inferstream.testing.TinyRnnCell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch's 2-layer GRU and LSTM step modules, as exported, in the RNN operator: every forecast
 * equals PyTorch stepping the key from zero state, across batches, watermarks and a restore.
 */
class PyTorchRnnStepOperatorTest {
    private static final Map<String, String> LSTM =
            Map.of("model.state-inputs", "h,c", "model.state-outputs", "h_next,c_next");

    @TempDir
    Path dir;

    private long offset;

    private static TickJobConfig config(Path model, Map<String, String> extra) {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", model.toString());
        values.put("batch.max-size", "4");
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

    private TickInput tick(String key, long ts, double[] values) {
        TickInput t = new TickInput();
        t.key = key;
        t.ts = ts;
        t.values = values;
        t.raw = new KafkaInput("ticks", 0, offset++, ts, key.getBytes(StandardCharsets.UTF_8), new byte[0]);
        t.id = t.raw.coordinates();
        return t;
    }

    /** Sends steps [from, to) of every key, newest keys first, then the watermark that releases them. */
    private void sendSteps(
            KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> h,
            PyTorchFixtures.Series series,
            int from,
            int to)
            throws Exception {
        for (int t = to - 1; t >= from; t--) {
            for (int k = series.keys - 1; k >= 0; k--) {
                h.processElement(
                        new StreamRecord<>(tick("k" + k, 1000L * (t + 1), series.input(k, t)), 1000L * (t + 1)));
            }
        }
        h.processWatermark(new Watermark(1000L * to));
    }

    private static void assertLikePyTorch(List<ForecastRecord> forecasts, PyTorchFixtures.Series series, String name) {
        assertThat(forecasts).hasSize(series.keys * series.steps);
        for (ForecastRecord f : forecasts) {
            int k = Integer.parseInt(f.key.substring(1));
            int t = (int) f.step - 1;
            assertThat(f.eventTime).isEqualTo(1000L * (t + 1));
            assertThat(f.modelVersion).as("PyTorch writes no version").isEqualTo("1");
            double[] expected = series.expected(k, t);
            for (int o = 0; o < expected.length; o++) {
                PyTorchFixtures.assertClose(f.outputs[o], expected[o], name + " key " + k + " step " + f.step);
            }
        }
    }

    private void shouldForecastLikePyTorchAcrossARestore(String name, Map<String, String> settings) throws Exception {
        PyTorchFixtures.Series series = PyTorchFixtures.series(name);
        TickJobConfig config = config(PyTorchFixtures.model(name), settings);
        List<ForecastRecord> forecasts = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(config, null)) {
            sendSteps(h, series, 0, 7);
            sendSteps(h, series, 7, 13);
            forecasts.addAll(h.extractOutputValues());
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(config, snapshot)) {
            sendSteps(h, series, 13, 14);
            sendSteps(h, series, 14, series.steps);
            forecasts.addAll(h.extractOutputValues());
        }
        assertLikePyTorch(forecasts, series, name);
    }

    @Test
    void shouldForecastLikePyTorchsTwoLayerGruAcrossBatchesAndARestore() throws Exception {
        shouldForecastLikePyTorchAcrossARestore("gru2_step", Map.of());
    }

    @Test
    void shouldForecastLikePyTorchsTwoLayerLstmAcrossBatchesAndARestore() throws Exception {
        shouldForecastLikePyTorchAcrossARestore("lstm2_step", LSTM);
    }

    @Test
    void shouldRefuseRestoredStateOfAnotherLayoutEvenOfTheSameSizeUnlessToldToReset() throws Exception {
        PyTorchFixtures.Series series = PyTorchFixtures.series("gru2_step");
        OperatorSubtaskState snapshot;
        try (var h = harness(config(PyTorchFixtures.model("gru2_step"), Map.of()), null)) {
            sendSteps(h, series, 0, 3);
            snapshot = h.snapshot(1L, 1L);
        }
        // 32 floats per key as well, laid out [N,32]: the floats would fit, their meaning would not.
        TinyRnnCell flat = new TinyRnnCell(32);
        Path flatModel = flat.write(dir, "flat", Map.of());

        assertThatThrownBy(() -> harness(config(flatModel, Map.of()), snapshot))
                .hasStackTraceContaining(
                        "restored hidden state has shape h[2,N,16] but model tiny-rnn v1 expects h[32]")
                .hasStackTraceContaining("state.reset-on-model-change");

        try (var h = harness(config(flatModel, Map.of("state.reset-on-model-change", "true")), snapshot)) {
            h.processElement(new StreamRecord<>(tick("k0", 10_000, new double[] {0.25}), 10_000));
            h.processWatermark(new Watermark(10_000));
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).step).as("started afresh").isEqualTo(1);
            assertThat(out.get(0).outputs[0]).isEqualTo(flat.run(List.of(0.25)).get(0), within(1e-5));
        }
    }
}
