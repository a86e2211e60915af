package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cell model against the plain-Java step, and stepping it against ONNX's RNN operator. */
class EchoStateGraphsTest {

    private static final Path COMMITTED_MODEL = Path.of("models/sensor-esn.onnx");
    private static final int KEYS = 6;
    private static final int STEPS = 50;

    @Test
    void shouldMatchThePlainJavaStepToOneInAHundredThousand() throws OrtException {
        EchoStateCell cell = randomCell(3, 32, 2, 11);
        Random random = new Random(5);
        float[] x = gaussian(random, KEYS * 3, 1);
        float[] h = gaussian(random, KEYS * 32, 0.5);
        float[] y = new float[KEYS * 2];
        float[] hNext = new float[KEYS * 32];

        try (OnnxCellRunner runner = OnnxCellRunner.open(EchoStateGraphs.cellModel(cell, Map.of()))) {
            runner.step(x, h, KEYS, y, hNext);
        }

        for (int key = 0; key < KEYS; key++) {
            EchoStateCell.Step expected = cell.step(slice(x, key, 3), slice(h, key, 32));
            for (int o = 0; o < 2; o++) {
                assertThat(y[key * 2 + o]).as("y key %d output %d", key, o).isCloseTo(expected.y()[o], within(1e-5f));
            }
            for (int i = 0; i < 32; i++) {
                assertThat(hNext[key * 32 + i])
                        .as("h_next key %d unit %d", key, i)
                        .isCloseTo(expected.hNext()[i], within(1e-5f));
            }
        }
    }

    @Test
    void shouldReadBackTheWeightsItWrote() {
        EchoStateCell cell = randomCell(2, 8, 3, 3);

        EchoStateCell read = EchoStateGraphs.readCell(EchoStateGraphs.cellModel(cell, Map.of()));

        assertThat(read.features()).isEqualTo(2);
        assertThat(read.hidden()).isEqualTo(8);
        assertThat(read.outputs()).isEqualTo(3);
        assertThat(read.inputWeights()).containsExactly(cell.inputWeights());
        assertThat(read.recurrentWeights()).containsExactly(cell.recurrentWeights());
        assertThat(read.bias()).containsExactly(cell.bias());
        assertThat(read.readoutWeights()).containsExactly(cell.readoutWeights());
        assertThat(read.readoutBias()).containsExactly(cell.readoutBias());
    }

    @Test
    void shouldRefuseToReadAModelWithoutTheCellWeights() {
        byte[] sequence = EchoStateGraphs.sequenceModel(randomCell(1, 4, 1, 1));

        assertThatThrownBy(() -> EchoStateGraphs.readCell(sequence))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model has no initializer 'x_weight'");
    }

    @Test
    void shouldStepTheCommittedModelAsTheRnnOperatorRunsTheWholeSequence() throws Exception {
        float[] sequence = standardizedTicks(0);

        assertSteppingEqualsSequence(committedCell(), sequence, new float[KEYS * 64]);
    }

    @Test
    void shouldContinueFromAnyStateAsTheRnnOperatorDoes() throws Exception {
        float[] sequence = standardizedTicks(1_000);

        assertSteppingEqualsSequence(committedCell(), sequence, gaussian(new Random(9), KEYS * 64, 0.3));
    }

    /** Steps [T,N,1] inputs through the cell model from {@code initial}, comparing every step. */
    private static void assertSteppingEqualsSequence(byte[] cellModel, float[] sequence, float[] initial)
            throws OrtException {
        EchoStateCell cell = EchoStateGraphs.readCell(cellModel);
        int hidden = cell.hidden();
        float[][] oracle = runSequenceModel(cell, sequence, initial);
        float[] expectedY = oracle[0];
        float[] expectedStates = oracle[1];

        float[] h = initial.clone();
        float[] y = new float[KEYS];
        try (OnnxCellRunner runner = OnnxCellRunner.open(cellModel)) {
            for (int t = 0; t < STEPS; t++) {
                float[] x = new float[KEYS];
                System.arraycopy(sequence, t * KEYS, x, 0, KEYS);
                runner.step(x, h, KEYS, y, h);
                for (int key = 0; key < KEYS; key++) {
                    assertThat(y[key])
                            .as("y at step %d of key %d", t, key)
                            .isCloseTo(expectedY[t * KEYS + key], within(1e-4f));
                    for (int i = 0; i < hidden; i++) {
                        assertThat(h[key * hidden + i])
                                .as("h at step %d of key %d, unit %d", t, key, i)
                                .isCloseTo(expectedStates[(t * KEYS + key) * hidden + i], within(1e-4f));
                    }
                }
            }
        }
    }

    private static float[][] runSequenceModel(EchoStateCell cell, float[] sequence, float[] initial)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(EchoStateGraphs.sequenceModel(cell));
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(sequence), new long[] {STEPS, KEYS, 1});
                OnnxTensor h0 =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(initial), new long[] {1, KEYS, cell.hidden()});
                OrtSession.Result result = session.run(
                        Map.of(EchoStateGraphs.SEQUENCE_INPUT, x, EchoStateGraphs.SEQUENCE_INITIAL_STATE, h0))) {
            OnnxTensor y =
                    (OnnxTensor) result.get(EchoStateGraphs.SEQUENCE_OUTPUT).orElseThrow();
            OnnxTensor states =
                    (OnnxTensor) result.get(EchoStateGraphs.SEQUENCE_STATES).orElseThrow();
            assertThat(y.getInfo().getShape()).containsExactly(STEPS, KEYS, 1);
            assertThat(states.getInfo().getShape()).containsExactly(STEPS, KEYS, cell.hidden());
            return new float[][] {floats(y), floats(states)};
        }
    }

    /** [T,N,1]: keys 0, 1, 2 and three held-out keys, standardized as the model's metadata says. */
    private static float[] standardizedTicks(long firstStep) throws OrtException, IOException {
        Map<String, String> metadata;
        try (OnnxCellRunner runner = OnnxCellRunner.open(Files.readAllBytes(COMMITTED_MODEL))) {
            metadata = runner.metadata();
        }
        float mean = Float.parseFloat(metadata.get("inferstream.input.mean"));
        float std = Float.parseFloat(metadata.get("inferstream.input.std"));
        int[] keys = {0, 1, 2, 500, 501, 777_777};
        SyntheticTicks ticks = new SyntheticTicks(DemoRnnTrainer.DEFAULT_SEED);
        float[] sequence = new float[STEPS * KEYS];
        for (int t = 0; t < STEPS; t++) {
            for (int k = 0; k < KEYS; k++) {
                sequence[t * KEYS + k] = (float) ((ticks.value(keys[k], firstStep + t) - mean) / std);
            }
        }
        return sequence;
    }

    private static byte[] committedCell() throws IOException {
        return Files.readAllBytes(COMMITTED_MODEL);
    }

    private static EchoStateCell randomCell(int features, int hidden, int outputs, long seed) {
        Random random = new Random(seed);
        return EchoStateCell.randomReservoir(features, hidden, outputs, 0.9, 0.8, 0.2, seed)
                .withReadout(gaussian(random, outputs * hidden, 0.5), gaussian(random, outputs, 1));
    }

    private static float[] gaussian(Random random, int count, double scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (scale * random.nextGaussian());
        }
        return values;
    }

    private static float[] slice(float[] rows, int row, int width) {
        float[] out = new float[width];
        System.arraycopy(rows, row * width, out, 0, width);
        return out;
    }

    private static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
