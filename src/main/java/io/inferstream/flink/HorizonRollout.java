package io.inferstream.flink;

import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnFeatureMapping;
import io.inferstream.inference.RnnStepper;
import java.util.Arrays;

/**
 * Rolls the cell on past a chunk's real step, for all its keys at once: from a copy of each key's
 * new state, k-1 more steps, each fed with the forecast before it as a tick's values would be
 * (standardized, or as a log-return against the value before). One ONNX Runtime call per step for
 * the whole chunk; the keys' real states are never written.
 */
final class HorizonRollout {
    private final RnnStepper cell;
    private final RnnCellSpec spec;
    private final RnnFeatureMapping mapping;
    private final int horizon;
    private final float[] input;
    private final float[] y;
    private float[] state;
    private float[] nextState;

    HorizonRollout(RnnStepper cell, int horizon) {
        this.cell = cell;
        this.spec = cell.spec();
        this.mapping = new RnnFeatureMapping(spec);
        this.horizon = horizon;
        int batch = cell.maxBatch();
        this.input = new float[batch * spec.features];
        this.y = new float[batch * spec.outputs];
        this.state = new float[batch * spec.stateSize()];
        this.nextState = new float[batch * spec.stateSize()];
    }

    /**
     * Fills horizon steps 2 to k of {@code forecasts} (row r's k steps of O outputs from {@code r *
     * k * O}; step 1 already holds the real step's outputs) for {@code n} keys whose new states are
     * {@code newStates}' first n rows and whose last tick values are {@code lastValues[r]}.
     */
    void roll(int n, float[] newStates, double[][] lastValues, double[] forecasts, InferenceMetrics metrics) {
        int outputs = spec.outputs;
        int width = horizon * outputs;
        System.arraycopy(newStates, 0, state, 0, n * spec.stateSize());
        double[][] before = lastValues.clone();
        for (int h = 1; h < horizon; h++) {
            double[][] fed = new double[n][];
            for (int row = 0; row < n; row++) {
                int from = row * width + (h - 1) * outputs;
                fed[row] = Arrays.copyOfRange(forecasts, from, from + outputs);
                mapping.toModelInput(fed[row], before[row], input, row * spec.features);
            }
            long start = System.nanoTime();
            cell.step(n, input, state, y, nextState);
            metrics.call(n, System.nanoTime() - start);
            for (int row = 0; row < n; row++) {
                double[] out = mapping.toUserUnits(y, row * outputs, fed[row]);
                System.arraycopy(out, 0, forecasts, row * width + h * outputs, outputs);
            }
            float[] swap = state;
            state = nextState;
            nextState = swap;
            before = fed;
        }
    }
}
