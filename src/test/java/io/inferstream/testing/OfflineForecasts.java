package io.inferstream.testing;

import io.inferstream.inference.ForecastSpread;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnFeatureMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The test oracle of the tick job's horizons, intervals and anomaly scores: one key's ticks run
 * through the ONNX cell directly, one key per call, from a zero state; after each tick a rollout
 * from a copy of the state, and the errors of all earlier forecasts kept by tick index.
 */
public final class OfflineForecasts {
    /** What the job should write for one tick; NaN where a value is not known yet. */
    public record Expected(double[] horizon, double[] lower, double[] upper, double score) {}

    private OfflineForecasts() {}

    public static List<Expected> run(
            Path model, Map<String, String> overrides, List<double[]> ticks, int k, double decay, double level) {
        List<Expected> expected = new ArrayList<>();
        try (OnnxRnnCell cell = OnnxRnnCell.load(model, overrides, 1, OnnxOptions.CPU)) {
            RnnCellSpec spec = cell.spec();
            RnnFeatureMapping mapping = new RnnFeatureMapping(spec);
            int outputs = spec.outputs;
            double z = ForecastSpread.zForLevel(level);
            float[] state = new float[spec.stateSize()];
            double[] previous = null;
            List<double[]> made = new ArrayList<>();
            double[] meanSquares = new double[k * outputs];
            long[] counts = new long[k];
            for (int t = 0; t < ticks.size(); t++) {
                double[] values = ticks.get(t);
                double score = Double.NaN;
                for (int h = 0; h < k && t - (h + 1) >= 0; h++) {
                    double[] forecast = made.get(t - (h + 1));
                    for (int o = 0; o < outputs; o++) {
                        int m = h * outputs + o;
                        double error = values[o] - forecast[m];
                        if (h == 0 && counts[0] > 0) {
                            double s = ForecastSpread.score(error, meanSquares[m]);
                            score = Double.isNaN(score) ? s : Math.max(score, s);
                        }
                        meanSquares[m] = ForecastSpread.nextMeanSquare(meanSquares[m], counts[h], error, decay);
                    }
                    counts[h]++;
                }
                double[] forecast = new double[k * outputs];
                float[] x = new float[spec.features];
                float[] y = new float[outputs];
                float[] next = new float[state.length];
                mapping.toModelInput(values, previous, x, 0);
                cell.step(1, x, state, y, next);
                state = next;
                double[] fed = mapping.toUserUnits(y, 0, values);
                System.arraycopy(fed, 0, forecast, 0, outputs);
                float[] rolled = state.clone();
                double[] before = values;
                for (int h = 1; h < k; h++) {
                    float[] rolledNext = new float[rolled.length];
                    mapping.toModelInput(fed, before, x, 0);
                    cell.step(1, x, rolled, y, rolledNext);
                    rolled = rolledNext;
                    double[] out = mapping.toUserUnits(y, 0, fed);
                    System.arraycopy(out, 0, forecast, h * outputs, outputs);
                    before = fed;
                    fed = out;
                }
                double[] lower = new double[k * outputs];
                double[] upper = new double[k * outputs];
                Arrays.fill(lower, Double.NaN);
                Arrays.fill(upper, Double.NaN);
                for (int h = 0; h < k; h++) {
                    for (int o = 0; o < outputs && counts[h] > 0; o++) {
                        int m = h * outputs + o;
                        lower[m] = forecast[m] - ForecastSpread.halfWidth(meanSquares[m], z);
                        upper[m] = forecast[m] + ForecastSpread.halfWidth(meanSquares[m], z);
                    }
                }
                made.add(forecast);
                previous = values;
                expected.add(new Expected(forecast, lower, upper, score));
            }
        }
        return expected;
    }
}
