package io.inferstream.demo.rnn;

import io.inferstream.inference.ModelBytes;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnFeatureMapping;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs a one-value cell model over whole series with the tick job's own classes ({@link
 * OnnxRnnCell}, {@link RnnFeatureMapping}), for offline evaluation: the one-step forecast after
 * each real tick, and the k-step rollout from a copy of the state after it, each forecast fed
 * back as the next tick's value would be.
 */
final class CellRollout {

    /** Origins rolled forward in one ONNX Runtime call. */
    private static final int BATCH = 512;

    private CellRollout() {}

    /**
     * {@code forecasts[t][h-1]}: the forecast of tick {@code t+h} made right after tick {@code t}
     * of {@code series}, for h = 1..horizon, in the series' units.
     */
    static double[][] forecasts(ModelBytes model, double[] series, int horizon) {
        try (OnnxRnnCell cell = OnnxRnnCell.load(model, Map.of(), BATCH, OnnxOptions.CPU)) {
            RnnCellSpec spec = requireOneValue(cell.spec());
            RnnFeatureMapping mapping = new RnnFeatureMapping(spec);
            int stateSize = spec.stateSize();
            int ticks = series.length;
            double[][] forecasts = new double[ticks][horizon];
            float[] states = new float[ticks * stateSize];
            float[] x = new float[1];
            float[] y = new float[1];
            float[] state = new float[stateSize];
            float[] next = new float[stateSize];
            for (int t = 0; t < ticks; t++) {
                double[] value = {series[t]};
                mapping.toModelInput(value, t == 0 ? null : new double[] {series[t - 1]}, x, 0);
                cell.step(1, x, state, y, next);
                System.arraycopy(next, 0, state, 0, stateSize);
                System.arraycopy(next, 0, states, t * stateSize, stateSize);
                forecasts[t][0] = mapping.toUserUnits(y, 0, value)[0];
            }
            for (int start = 0; start < ticks; start += BATCH) {
                rollOut(cell, mapping, series, states, forecasts, start, Math.min(ticks, start + BATCH));
            }
            return forecasts;
        }
    }

    /** Rolls origins {@code start..end-1} forward together, each from a copy of its real state. */
    private static void rollOut(
            OnnxRnnCell cell,
            RnnFeatureMapping mapping,
            double[] series,
            float[] states,
            double[][] forecasts,
            int start,
            int end) {
        int n = end - start;
        int stateSize = cell.spec().stateSize();
        float[] state = Arrays.copyOfRange(states, start * stateSize, end * stateSize);
        float[] next = new float[state.length];
        float[] x = new float[n];
        float[] y = new float[n];
        double[] previous = new double[n];
        double[] current = new double[n];
        for (int i = 0; i < n; i++) {
            previous[i] = series[start + i];
            current[i] = forecasts[start + i][0];
        }
        int horizon = forecasts[start].length;
        for (int h = 2; h <= horizon; h++) {
            for (int i = 0; i < n; i++) {
                mapping.toModelInput(new double[] {current[i]}, new double[] {previous[i]}, x, i);
            }
            cell.step(n, x, state, y, next);
            float[] swap = state;
            state = next;
            next = swap;
            for (int i = 0; i < n; i++) {
                double forecast = mapping.toUserUnits(y, i, new double[] {current[i]})[0];
                forecasts[start + i][h - 1] = forecast;
                previous[i] = current[i];
                current[i] = forecast;
            }
        }
    }

    /**
     * One-step forecasts of many keys stepped together: {@code [k][t]} is key k's forecast of
     * tick t made after tick t-1 ({@code [k][0]} is NaN).
     */
    static double[][] oneStep(ModelBytes model, double[][] seriesPerKey) {
        int keys = seriesPerKey.length;
        try (OnnxRnnCell cell = OnnxRnnCell.load(model, Map.of(), keys, OnnxOptions.CPU)) {
            RnnCellSpec spec = requireOneValue(cell.spec());
            RnnFeatureMapping mapping = new RnnFeatureMapping(spec);
            int ticks = seriesPerKey[0].length;
            double[][] forecasts = new double[keys][ticks];
            float[] x = new float[keys];
            float[] y = new float[keys];
            float[] state = new float[keys * spec.stateSize()];
            float[] next = new float[state.length];
            for (int k = 0; k < keys; k++) {
                forecasts[k][0] = Double.NaN;
            }
            for (int t = 0; t + 1 < ticks; t++) {
                for (int k = 0; k < keys; k++) {
                    double[] previous = t == 0 ? null : new double[] {seriesPerKey[k][t - 1]};
                    mapping.toModelInput(new double[] {seriesPerKey[k][t]}, previous, x, k);
                }
                cell.step(keys, x, state, y, next);
                float[] swap = state;
                state = next;
                next = swap;
                for (int k = 0; k < keys; k++) {
                    forecasts[k][t + 1] = mapping.toUserUnits(y, k, new double[] {seriesPerKey[k][t]})[0];
                }
            }
            return forecasts;
        }
    }

    private static RnnCellSpec requireOneValue(RnnCellSpec spec) {
        if (spec.features != 1 || spec.outputs != 1) {
            throw new IllegalArgumentException("cell model " + spec.modelName + " maps " + spec.features
                    + " features to " + spec.outputs + " outputs; expected 1 to 1 (a value to its next value)");
        }
        return spec;
    }
}
