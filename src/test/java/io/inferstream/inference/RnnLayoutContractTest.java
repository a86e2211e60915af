package io.inferstream.inference;

import static io.inferstream.demo.OnnxGraphBuilder.dim;
import static io.inferstream.demo.OnnxGraphBuilder.int64Value;
import static io.inferstream.demo.OnnxGraphBuilder.integer;
import static io.inferstream.demo.OnnxGraphBuilder.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.inferstream.demo.OnnxGraphBuilder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State and step tensors with the batch on any axis: stacking and splitting keys, which axis is
 * the batch, and refusals that list the whole model and name the setting that fixes them.
 */
class RnnLayoutContractTest {
    @TempDir
    Path dir;

    @Test
    void shouldStackKeysAlongAnyAxisAndSplitThemBackUnchanged() throws Exception {
        int maxBatch = 5;
        for (long[] dims :
                List.of(new long[] {-1, 4}, new long[] {3, -1, 4}, new long[] {2, 3, -1}, new long[] {-1, 2, 3})) {
            int axis = indexOfBatch(dims);
            BatchedShape shape = new BatchedShape(dims, axis);
            int size = shape.sliceSize();
            int offset = 2;
            int rowWidth = size + 3;
            try (BatchTensor tensor = new BatchTensor(maxBatch, shape)) {
                for (int n = 1; n <= maxBatch; n++) {
                    float[] rows = new float[n * rowWidth];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = i;
                    }
                    tensor.writeColumns(rows, n, rowWidth, offset);
                    OnnxTensor t = tensor.tensor(n);
                    assertThat(t.getInfo().getShape()).containsExactly(shape.shapeFor(n));
                    float[] stacked = new float[n * size];
                    t.getFloatBuffer().get(stacked);
                    // The element at (before, key, after) of the stacked tensor is that key's slice
                    // element at (before, after): the naive definition of stacking along the axis.
                    for (int key = 0; key < n; key++) {
                        for (int before = 0; before < shape.outer(); before++) {
                            for (int after = 0; after < shape.inner(); after++) {
                                float expected = rows[key * rowWidth + offset + before * shape.inner() + after];
                                assertThat(stacked[(before * n + key) * shape.inner() + after])
                                        .as("%s, %d keys, key %d at (%d, %d)", shape, n, key, before, after)
                                        .isEqualTo(expected);
                            }
                        }
                    }
                    float[] back = new float[n * rowWidth];
                    tensor.readColumns(back, n, rowWidth, offset);
                    for (int key = 0; key < n; key++) {
                        for (int i = 0; i < size; i++) {
                            int at = key * rowWidth + offset + i;
                            assertThat(back[at]).isEqualTo(rows[at]);
                        }
                    }
                }
            }
        }
    }

    private static int indexOfBatch(long[] dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("no batch axis");
    }

    @Test
    void shouldListEveryInputAndOutputWhenAStateHasNoBatchAxis() throws Exception {
        Path model = identityCell(new Dimension[] {dim("N"), dim(1)}, new Dimension[] {dim(2), dim(1), dim(16)}, null);

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of()))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("model state input 'h' is FLOAT [2,1,16] with no symbolic dimension")
                .hasMessageContaining("dynamic_axes={'h': {1: 'N'}}")
                .hasMessageContaining("The model has inputs: x FLOAT [N,1], h FLOAT [2,1,16];"
                        + " outputs: y FLOAT [N,1], h_next FLOAT [2,1,16]");
    }

    @Test
    void shouldListEveryInputAndOutputWhenNamesDoNotMatch() throws Exception {
        Path model =
                identityCell(new Dimension[] {dim("N"), dim(1)}, new Dimension[] {dim(2), dim("N"), dim(16)}, null);

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of(ModelMetadataKeys.RNN_STATE_INPUTS, "hx")))
                .hasMessageContaining("model has inputs [x, h]; expected [x, hx] (name them with model.input-name and"
                        + " model.state-inputs)")
                .hasMessageContaining("inputs: x FLOAT [N,1], h FLOAT [2,N,16]");
    }

    @Test
    void shouldAskForTheStateBatchAxisWhereTwoAxesAreSymbolicAndTakeIt() throws Exception {
        // The number of layers left symbolic in the input, fixed by the exporter in the output.
        Path model = identityCell(
                new Dimension[] {dim("N"), dim(1)},
                new Dimension[] {dim("layers"), dim("N"), dim(16)},
                new Dimension[] {dim(2), dim("N"), dim(16)});

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of()))
                .hasMessageContaining("model state input 'h' is FLOAT [layers,N,16] with symbolic dimensions on axes"
                        + " [0, 1]; set model.state-batch-axis to the batch axis");
        RnnCellSpec spec = OnnxRnnCell.inspect(model, Map.of(ModelMetadataKeys.RNN_STATE_BATCH_AXIS, "1"));
        assertThat(spec.stateShape()).isEqualTo("h[2,N,16]");
        assertThat(spec.stateSize()).isEqualTo(32);
    }

    @Test
    void shouldRefuseABatchAxisSettingThatPointsAtAFixedDimension() throws Exception {
        Path model =
                identityCell(new Dimension[] {dim("N"), dim(1)}, new Dimension[] {dim(2), dim("N"), dim(16)}, null);

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of(ModelMetadataKeys.RNN_STATE_BATCH_AXIS, "0")))
                .hasMessageContaining("model.state-batch-axis = 0 but dimension 0 of model state input 'h' FLOAT"
                        + " [2,N,16] is fixed to 2; expected the symbolic batch dimension");
        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of(ModelMetadataKeys.RNN_STATE_BATCH_AXIS, "1,1")))
                .hasMessageContaining("model.state-batch-axis = '1,1' has 2 values; expected 1 or 1");
    }

    @Test
    void shouldRefuseASequenceLongerThanOneStep() throws Exception {
        Path model =
                identityCell(new Dimension[] {dim("N"), dim(5), dim(1)}, new Dimension[] {dim("N"), dim(16)}, null);

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of()))
                .hasMessageContaining("model input 'x' is FLOAT [N,5,1] with a sequence of length 5 on axis 1;"
                        + " expected length 1");
    }

    @Test
    void shouldTakeTheBatchAxisOfXFromTheSettingWhereTheSequenceAxisIsSymbolicToo() throws Exception {
        Path model =
                identityCell(new Dimension[] {dim("T"), dim("N"), dim(3)}, new Dimension[] {dim("N"), dim(16)}, null);

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of()))
                .hasMessageContaining("model input 'x' is FLOAT [T,N,3] with symbolic dimensions on axes [0, 1];"
                        + " set model.batch-axis");
        RnnCellSpec spec = OnnxRnnCell.inspect(model, Map.of(ModelMetadataKeys.RNN_BATCH_AXIS, "1"));
        assertThat(spec.inputShape).hasToString("[1,N,3]");
        assertThat(spec.features).isEqualTo(3);
        assertThat(spec.outputShape).hasToString("[1,N,3]");
    }

    @Test
    void shouldRefuseANextStateOfAnotherLayout() throws Exception {
        // h [2,N,16] in, its layers side by side out: h_next [N,32].
        OnnxGraphBuilder g = new OnnxGraphBuilder("flattening-cell")
                .input("x", dim("N"), dim(1))
                .input("h", dim(2), dim("N"), dim(16));
        g.node("Identity", List.of("x"), "y");
        String byKey = g.node("Transpose", List.of("h"), "by_key", ints("perm", 1, 0, 2));
        g.node("Flatten", List.of(byKey), "h_next", integer("axis", 1));
        g.output("y", dim("N"), dim(1)).output("h_next", dim("N"), dim(32));
        Path model = dir.resolve("flattening.onnx");
        Files.write(
                model,
                g.buildModel("inferstream-test", 1, "flattening cell", Map.of()).toByteArray());

        assertThatThrownBy(() -> OnnxRnnCell.inspect(model, Map.of()))
                .hasMessageContaining("model state output 'h_next' is FLOAT [N,32] but state input 'h' is [2,N,16];"
                        + " expected the same shape, with the batch on the same axis");
    }

    @Test
    void shouldReadTheVersionTheModelNamesAndCountPyTorchsUnsetOneAsNone() {
        assertThat(ModelVersion.resolve(Map.of(), Map.of(), 5)).hasToString("5 (from the model's ONNX model_version)");
        assertThat(ModelVersion.resolve(Map.of(ModelMetadataKeys.VERSION, "3"), Map.of(), 5)
                        .value())
                .isEqualTo("3");
        assertThat(ModelVersion.resolve(Map.of(), Map.of(), Long.MAX_VALUE).value())
                .isEqualTo(ModelVersion.DEFAULT);
        assertThat(ModelVersion.resolve(Map.of(), Map.of(), Long.MAX_VALUE).source())
                .contains("model.version");
    }

    /**
     * A cell in a layout no exporter here writes: ONNX's own GRU operator with its state kept
     * as h [H,N], batch last, so every key's floats interleave with all the others'. Stepping it
     * for many keys must equal the GRU operator run over each whole sequence at once.
     */
    @Test
    void shouldStepAGruOperatorCellWithTheBatchOnTheLastAxisLikeTheWholeSequence() throws Exception {
        int features = 2;
        int hidden = 5;
        int keys = 7;
        int steps = 12;
        Random random = new Random(3);
        float[] w = randoms(random, 3 * hidden * features);
        float[] r = randoms(random, 3 * hidden * hidden);
        float[] b = randoms(random, 6 * hidden);
        float[] readout = randoms(random, hidden);
        float[][][] xs = new float[steps][keys][features];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < keys; k++) {
                for (int f = 0; f < features; f++) {
                    xs[t][k][f] = (float) Math.sin(0.4 * t + k + 2 * f);
                }
            }
        }
        float[][][] whole = wholeSequence(w, r, b, readout, features, hidden, xs);

        Path model = dir.resolve("gru-batch-last.onnx");
        Files.write(model, batchLastGruCell(w, r, b, readout, features, hidden));
        try (OnnxRnnCell cell = OnnxRnnCell.load(model, Map.of(), 4, OnnxOptions.CPU)) {
            assertThat(cell.spec().stateShape()).isEqualTo("h[5,N]");
            float[][] state = new float[keys][hidden];
            float[] input = new float[4 * features];
            float[] stacked = new float[4 * hidden];
            float[] y = new float[4];
            float[] next = new float[4 * hidden];
            for (int t = 0; t < steps; t++) {
                for (int from = 0; from < keys; from += 4) {
                    int n = Math.min(4, keys - from);
                    for (int row = 0; row < n; row++) {
                        System.arraycopy(xs[t][from + row], 0, input, row * features, features);
                        System.arraycopy(state[from + row], 0, stacked, row * hidden, hidden);
                    }
                    cell.step(n, input, stacked, y, next);
                    for (int row = 0; row < n; row++) {
                        System.arraycopy(next, row * hidden, state[from + row], 0, hidden);
                        assertThat(y[row])
                                .as("key %d step %d", from + row, t + 1)
                                .isCloseTo(whole[t][from + row][0], within(1e-5f));
                    }
                }
            }
        }
    }

    private static float[] randoms(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * 0.5);
        }
        return values;
    }

    /** x [N,F], h [H,N] -> y [N,1], h_next [H,N], through one step of ONNX's GRU operator. */
    private static byte[] batchLastGruCell(float[] w, float[] r, float[] b, float[] readout, int features, int hidden) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("gru-batch-last")
                .input("x", dim("N"), dim(features))
                .input("h", dim(hidden), dim("N"))
                .initializer("W", w, 1, 3L * hidden, features)
                .initializer("R", r, 1, 3L * hidden, hidden)
                .initializer("B", b, 1, 6L * hidden)
                .initializer("readout", readout, hidden, 1);
        String axis0 = g.node("Constant", List.of(), "axis0", int64Value(0));
        String axes01 = g.node("Constant", List.of(), "axes01", int64Value(0, 1));
        String xSeq = g.node("Unsqueeze", List.of("x", axis0), "x_seq");
        String hRows = g.node("Transpose", List.of("h"), "h_rows", ints("perm", 1, 0));
        String h0 = g.node("Unsqueeze", List.of(hRows, axis0), "h0");
        String all = g.node("GRU", List.of(xSeq, "W", "R", "B", "", h0), "gru_y", integer("hidden_size", hidden));
        String hNextRows = g.node("Squeeze", List.of(all, axes01), "h_next_rows");
        g.node("Transpose", List.of(hNextRows), "h_next", ints("perm", 1, 0));
        g.node("MatMul", List.of(hNextRows, "readout"), "y");
        g.output("y", dim("N"), dim(1)).output("h_next", dim(hidden), dim("N"));
        return g.buildModel("inferstream-test", 1, "GRU operator step, batch last", Map.of())
                .toByteArray();
    }

    /** The same GRU over whole sequences [T,N,F] from zero states: y [T][N][1]. */
    private static float[][][] wholeSequence(
            float[] w, float[] r, float[] b, float[] readout, int features, int hidden, float[][][] xs)
            throws Exception {
        int steps = xs.length;
        int keys = xs[0].length;
        OnnxGraphBuilder g = new OnnxGraphBuilder("gru-sequence")
                .input("xs", dim("T"), dim("N"), dim(features))
                .initializer("W", w, 1, 3L * hidden, features)
                .initializer("R", r, 1, 3L * hidden, hidden)
                .initializer("B", b, 1, 6L * hidden)
                .initializer("readout", readout, hidden, 1);
        String axis1 = g.node("Constant", List.of(), "axis1", int64Value(1));
        String all = g.node("GRU", List.of("xs", "W", "R", "B"), "gru_y", integer("hidden_size", hidden));
        String states = g.node("Squeeze", List.of(all, axis1), "states");
        g.node("MatMul", List.of(states, "readout"), "ys");
        g.output("ys", dim("T"), dim("N"), dim(1));
        byte[] model = g.buildModel("inferstream-test", 1, "GRU over a sequence", Map.of())
                .toByteArray();
        float[] flat = new float[steps * keys * features];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < keys; k++) {
                System.arraycopy(xs[t][k], 0, flat, (t * keys + k) * features, features);
            }
        }
        OrtEnvironment env = OnnxSessions.environment();
        try (OrtSession session = env.createSession(model);
                OnnxTensor input =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {steps, keys, features});
                OrtSession.Result result = session.run(Map.of("xs", input))) {
            return (float[][][]) result.get(0).getValue();
        }
    }

    /**
     * A model that passes x to y and h to h_next unchanged, with the shapes given (the next
     * state's declared shape defaults to the state's): enough for the contract checks.
     */
    private Path identityCell(Dimension[] x, Dimension[] h, Dimension[] hNext) throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("identity-cell").input("x", x).input("h", h);
        g.node("Identity", List.of("x"), "y");
        g.node("Identity", List.of("h"), "h_next");
        g.output("y", x).output("h_next", hNext == null ? h : hNext);
        Map<String, String> metadata = new HashMap<>();
        Path file = dir.resolve("identity-" + System.nanoTime() + ".onnx");
        Files.write(
                file,
                g.buildModel("inferstream-test", 1, "identity cell", metadata).toByteArray());
        return file;
    }
}
