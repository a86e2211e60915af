package io.inferstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.testing.TinyRnnCell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RNN-cell contract: names, shapes, several state pairs, units; and its refusals. */
class RnnCellContractTest {
    @TempDir
    Path dir;

    private final TinyRnnCell tiny = new TinyRnnCell(4);

    @Test
    void shouldAcceptACellUnderItsOwnTensorNamesWhenTheyAreConfigured() throws Exception {
        Path model = tiny.write(dir, "gru-like", Map.of(), "input", "hx", "output", "hy");
        Map<String, String> names = Map.of(
                ModelMetadataKeys.RNN_INPUT, "input",
                ModelMetadataKeys.RNN_STATE_INPUTS, "hx",
                ModelMetadataKeys.RNN_STATE_OUTPUTS, "hy",
                ModelMetadataKeys.RNN_OUTPUT, "output");

        RnnCellSpec spec = OnnxRnnCell.inspect(model, names);

        assertThat(spec.stateShape()).isEqualTo("hx[4]");
        assertThat(spec.features).isEqualTo(1);
        assertThat(spec.outputNames).containsExactly("y0");
    }

    @Test
    void shouldNameTheExpectedAndActualInputsWhenNamesDoNotMatch() throws Exception {
        Path model = tiny.write(dir, "gru-like", Map.of(), "input", "hx", "output", "hy");

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of()))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("expected [x, h] (name them with model.input-name and model.state-inputs)");
    }

    @Test
    void shouldStepSeveralStatePairsForManyKeysInOneCall() throws Exception {
        Path model = tiny.writeTwoState(
                dir,
                "lstm-like",
                Map.of(
                        ModelMetadataKeys.RNN_STATE_INPUTS,
                        "h,c",
                        ModelMetadataKeys.RNN_STATE_OUTPUTS,
                        "h_next,c_next"));
        double[][] sequences = {{0.1, 0.2, 0.3, -0.4}, {1.0, -1.0, 0.5, 0.0}, {0.0, 0.0, 0.0, 2.0}};

        try (OnnxRnnCell cell = OnnxRnnCell.load(model, Map.of(), 8, OnnxOptions.CPU)) {
            assertThat(cell.spec().stateShape()).isEqualTo("h[4], c[4]");
            int keys = sequences.length;
            int stateSize = cell.spec().stateSize();
            float[] state = new float[keys * stateSize];
            float[] next = new float[keys * stateSize];
            float[] y = new float[keys];
            List<List<Double>> outputs = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                outputs.add(new ArrayList<>());
            }
            for (int t = 0; t < 4; t++) {
                float[] x = new float[keys];
                for (int k = 0; k < keys; k++) {
                    x[k] = (float) sequences[k][t];
                }
                cell.step(keys, x, state, y, next);
                System.arraycopy(next, 0, state, 0, state.length);
                for (int k = 0; k < keys; k++) {
                    outputs.get(k).add((double) y[k]);
                }
            }
            for (int k = 0; k < keys; k++) {
                List<Double> expected =
                        tiny.runTwoState(List.of(sequences[k][0], sequences[k][1], sequences[k][2], sequences[k][3]));
                for (int t = 0; t < 4; t++) {
                    assertThat(outputs.get(k).get(t))
                            .as("key %d step %d", k, t)
                            .isCloseTo(expected.get(t), within(1e-5));
                }
            }
        }
    }

    @Test
    void shouldRefuseMismatchedStatePairs() throws Exception {
        Path model = tiny.writeTwoState(dir, "lstm-like", Map.of());

        assertThatThrownBy(() -> OnnxRnnCell.inspect(
                        model,
                        Map.of(
                                ModelMetadataKeys.RNN_STATE_INPUTS,
                                "h,c",
                                ModelMetadataKeys.RNN_STATE_OUTPUTS,
                                "h_next")))
                .hasMessageContaining("state inputs [h, c] and state outputs [h_next] differ in number");
    }

    @Test
    void shouldRefuseOutputNamesThatDoNotMatchTheOutputWidth() throws Exception {
        Path model = tiny.write(dir, "tiny", Map.of(ModelMetadataKeys.OUTPUT_NAMES, "[\"a\",\"b\"]"));

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of()))
                .hasMessageContaining("model output has 1 columns but inferstream.output.names has 2 names [a, b]");
    }

    @Test
    void shouldMapLogReturnsInAndPricesOut() throws Exception {
        Path model = tiny.write(
                dir,
                "prices",
                Map.of(
                        ModelMetadataKeys.INPUT_TRANSFORM, "log-return",
                        ModelMetadataKeys.INPUT_MEAN, "0.001",
                        ModelMetadataKeys.INPUT_STD, "0.02",
                        ModelMetadataKeys.OUTPUT_MEAN, "0.001",
                        ModelMetadataKeys.OUTPUT_STD, "0.02"));
        RnnFeatureMapping mapping = new RnnFeatureMapping(OnnxRnnCell.inspect(model, Map.of()));
        float[] x = new float[1];

        mapping.toModelInput(new double[] {110}, null, x, 0);
        assertThat(x[0]).isCloseTo((float) ((0 - 0.001) / 0.02), within(1e-6f));
        mapping.toModelInput(new double[] {110}, new double[] {100}, x, 0);
        assertThat(x[0]).isCloseTo((float) ((Math.log(1.1) - 0.001) / 0.02), within(1e-5f));

        double[] price = mapping.toUserUnits(new float[] {0.5f}, 0, new double[] {110});
        assertThat(price[0]).isCloseTo(110 * Math.exp(0.5 * 0.02 + 0.001), within(1e-9));
    }
}
