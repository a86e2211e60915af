package io.inferstream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.testing.PyTorchFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recurrent models as torch.onnx.export writes them (state [layers, N, hidden], x with or without
 * a length-1 sequence axis) step like PyTorch stepping each key from zero states.
 */
class PyTorchRnnCellTest {
    private static final Map<String, String> LSTM_NAMES = Map.of(
            ModelMetadataKeys.RNN_STATE_INPUTS, "h,c",
            ModelMetadataKeys.RNN_STATE_OUTPUTS, "h_next,c_next");
    private static final Map<String, String> PLAIN_GRU_NAMES = Map.of(
            ModelMetadataKeys.RNN_INPUT, "input",
            ModelMetadataKeys.RNN_STATE_INPUTS, "h0",
            ModelMetadataKeys.RNN_STATE_OUTPUTS, "hn",
            ModelMetadataKeys.RNN_OUTPUT, "output");

    @Test
    void shouldAcceptATwoLayerGruStepModuleAsExported() {
        RnnCellSpec spec = OnnxRnnCell.inspect(PyTorchFixtures.model("gru2_step"), Map.of());

        assertThat(spec.stateShape()).isEqualTo("h[2,N,16]");
        assertThat(spec.stateShapes.get(0).batchAxis()).isEqualTo(1);
        assertThat(spec.stateSize()).isEqualTo(32);
        assertThat(spec.features).isEqualTo(1);
        assertThat(spec.outputs).isEqualTo(1);
    }

    @Test
    void shouldStepATwoLayerGruLikePyTorch() {
        stepAndCompare("gru2_step", Map.of(), List.of("h"), 8);
    }

    @Test
    void shouldStepATwoLayerLstmLikePyTorch() {
        RnnCellSpec spec = OnnxRnnCell.inspect(PyTorchFixtures.model("lstm2_step"), LSTM_NAMES);
        assertThat(spec.stateShape()).isEqualTo("h[2,N,16], c[2,N,16]");

        stepAndCompare("lstm2_step", LSTM_NAMES, List.of("h", "c"), 8);
    }

    @Test
    void shouldStepAPlainGruExportedWithASequenceAxisOfLengthOne() {
        RnnCellSpec spec = OnnxRnnCell.inspect(PyTorchFixtures.model("gru_seq"), PLAIN_GRU_NAMES);
        assertThat(spec.inputShape).hasToString("[1,N,3]");
        assertThat(spec.outputShape).hasToString("[1,N,8]");
        assertThat(spec.outputs).isEqualTo(8);

        stepAndCompare("gru_seq", PLAIN_GRU_NAMES, List.of("h0"), 8);
    }

    @Test
    void shouldStepABatchFirstGruWhoseStateStillBatchesOnAxisOne() {
        RnnCellSpec spec = OnnxRnnCell.inspect(PyTorchFixtures.model("gru_seq_batch_first"), PLAIN_GRU_NAMES);
        assertThat(spec.inputShape).hasToString("[N,1,3]");
        assertThat(spec.stateShape()).isEqualTo("h0[1,N,8]");

        stepAndCompare("gru_seq_batch_first", PLAIN_GRU_NAMES, List.of("h0"), 8);
    }

    @Test
    void shouldKeepEachKeysSliceWhenKeysShareBatchesInEveryOrder() {
        // Batches of at most 4 keys, their members rotating every step: a key's state must follow
        // it to whatever position it takes on the batch axis.
        stepAndCompare("lstm2_step", LSTM_NAMES, List.of("h", "c"), 4);
        stepAndCompare("gru2_step", Map.of(), List.of("h"), 1);
    }

    @Test
    void shouldReportPyTorchsMissingVersionAsTheDefaultAndSaySo() {
        RnnCellSpec spec = OnnxRnnCell.inspect(PyTorchFixtures.model("gru2_step"), Map.of());

        assertThat(spec.modelVersion).isEqualTo(ModelVersion.DEFAULT);
        assertThat(spec.versionSource).contains("the default").contains("model.version");
        assertThat(spec.toString()).contains("v1").contains("version from the default");
    }

    @Test
    void shouldTakeTheVersionFromTheConfigurationAndAnUpdateOverTheDefault() {
        RnnCellSpec configured =
                OnnxRnnCell.inspect(PyTorchFixtures.model("gru2_step"), Map.of(ModelMetadataKeys.VERSION, "2024.06"));
        RnnCellSpec updated = OnnxRnnCell.inspect(
                PyTorchFixtures.model("gru2_step"),
                Map.of(ModelMetadataKeys.VERSION, "2024.06", ModelVersion.UPDATE_VERSION, "7"));

        assertThat(configured.modelVersion).isEqualTo("2024.06");
        assertThat(configured.versionSource).contains("configuration");
        assertThat(updated.modelVersion).isEqualTo("7");
        assertThat(updated.versionSource).contains("model update");
    }

    /**
     * Steps every key of the fixture through the cell in batches of at most {@code batch} keys,
     * rotating the keys' order each step, and compares every output and the final states with
     * PyTorch's.
     */
    private static void stepAndCompare(String name, Map<String, String> names, List<String> states, int batch) {
        PyTorchFixtures.Series series = PyTorchFixtures.series(name);
        try (OnnxRnnCell cell = OnnxRnnCell.load(PyTorchFixtures.model(name), names, batch, OnnxOptions.CPU)) {
            RnnCellSpec spec = cell.spec();
            int stateSize = spec.stateSize();
            float[][] keyStates = new float[series.keys][stateSize];
            float[] input = new float[batch * spec.features];
            float[] state = new float[batch * stateSize];
            float[] y = new float[batch * spec.outputs];
            float[] next = new float[batch * stateSize];
            for (int t = 0; t < series.steps; t++) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < series.keys; i++) {
                    order.add((i + t) % series.keys);
                }
                for (int from = 0; from < order.size(); from += batch) {
                    List<Integer> chunk = order.subList(from, Math.min(order.size(), from + batch));
                    int n = chunk.size();
                    for (int row = 0; row < n; row++) {
                        double[] x = series.input(chunk.get(row), t);
                        for (int f = 0; f < spec.features; f++) {
                            input[row * spec.features + f] = (float) x[f];
                        }
                        System.arraycopy(keyStates[chunk.get(row)], 0, state, row * stateSize, stateSize);
                    }
                    cell.step(n, input, state, y, next);
                    for (int row = 0; row < n; row++) {
                        int k = chunk.get(row);
                        System.arraycopy(next, row * stateSize, keyStates[k], 0, stateSize);
                        double[] expected = series.expected(k, t);
                        for (int o = 0; o < spec.outputs; o++) {
                            PyTorchFixtures.assertClose(
                                    y[row * spec.outputs + o],
                                    expected[o],
                                    name + " key " + k + " step " + (t + 1) + " output " + o);
                        }
                    }
                }
            }
            for (int k = 0; k < series.keys; k++) {
                int offset = 0;
                for (String s : states) {
                    float[] expected = series.finalState(s, k);
                    for (int i = 0; i < expected.length; i++) {
                        PyTorchFixtures.assertClose(
                                keyStates[k][offset + i],
                                expected[i],
                                name + " key " + k + " final " + s + "[" + i + "]");
                    }
                    offset += expected.length;
                }
                assertThat(offset).isEqualTo(stateSize);
            }
        }
    }
}
