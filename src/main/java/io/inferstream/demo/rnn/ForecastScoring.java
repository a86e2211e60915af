package io.inferstream.demo.rnn;

import io.inferstream.inference.ForecastSpread;

/**
 * The offline arithmetic that scores one key's forecasts as the tick job makes them: k-step
 * errors next to the last-value and seasonal-naive baselines, the empirical coverage of the
 * job's prediction intervals, and the job's anomaly flag, all with {@link ForecastSpread}.
 *
 * <p>Ticks are numbered {@code 0..T-1}; {@code forecasts[t][h-1]} is the forecast of tick
 * {@code t+h} made right after tick {@code t} (NaN where there is none). A tick counts as a
 * target when {@code scored[t]} and {@code t >= from}: every horizon is scored on the same
 * target ticks.
 */
public final class ForecastScoring {

    private ForecastScoring() {}

    /** One horizon's errors: the model's, the last value's and the value one season earlier's. */
    public record HorizonErrors(int horizon, ForecastErrors model, ForecastErrors lastValue, ForecastErrors seasonal) {}

    /**
     * Empirical coverage of one horizon's intervals.
     *
     * @param covered per level, how many targets fell inside the interval (ends included)
     * @param count targets whose forecast had an interval (its horizon's spread had seen an error)
     */
    public record Coverage(int horizon, double[] levels, long[] covered, long count) {
        public double fraction(int level) {
            return count == 0 ? Double.NaN : (double) covered[level] / count;
        }
    }

    /**
     * Counts of the flag against the injected anomalies, at one threshold.
     *
     * @param afterInjected false positives on the tick right after an injected one: the model was
     *     fed the anomaly, so its next forecast starts from it
     * @param ticks target ticks counted
     */
    public record FlagCounts(
            double threshold,
            long truePositives,
            long falsePositives,
            long falseNegatives,
            long afterInjected,
            long ticks) {
        /** Flags that were injected anomalies; NaN when nothing was flagged. */
        public double precision() {
            long flagged = truePositives + falsePositives;
            return flagged == 0 ? Double.NaN : (double) truePositives / flagged;
        }

        /** Injected anomalies that were flagged; NaN when none was injected. */
        public double recall() {
            long injected = truePositives + falseNegatives;
            return injected == 0 ? Double.NaN : (double) truePositives / injected;
        }

        /** Flags on ticks that were not injected, per such tick. */
        public double falseAlarmRate() {
            long clean = ticks - truePositives - falseNegatives;
            return clean == 0 ? Double.NaN : (double) falsePositives / clean;
        }

        FlagCounts plus(FlagCounts other) {
            return new FlagCounts(
                    threshold,
                    truePositives + other.truePositives,
                    falsePositives + other.falsePositives,
                    falseNegatives + other.falseNegatives,
                    afterInjected + other.afterInjected,
                    ticks + other.ticks);
        }
    }

    /**
     * The h-step errors ({@code actual - forecast}) on the target ticks, next to the last value
     * known at the forecast's origin and the value {@code season * ceil(h / season)} ticks before
     * the target (the latest one of the same phase known at the origin).
     */
    public static HorizonErrors errors(
            double[] actual, double[][] forecasts, boolean[] scored, int from, int horizon, int season) {
        if (horizon < 1 || season < 1) {
            throw new IllegalArgumentException(
                    "horizon " + horizon + ", season " + season + "; expected both at least 1");
        }
        int back = season * ((horizon + season - 1) / season);
        ForecastErrors.Accumulator model = new ForecastErrors.Accumulator();
        ForecastErrors.Accumulator lastValue = new ForecastErrors.Accumulator();
        ForecastErrors.Accumulator seasonal = new ForecastErrors.Accumulator();
        for (int target = Math.max(from, back); target < actual.length; target++) {
            if (!scored[target]) {
                continue;
            }
            int origin = target - horizon;
            model.add(actual[target] - forecasts[origin][horizon - 1]);
            lastValue.add(actual[target] - actual[origin]);
            seasonal.add(actual[target] - actual[target - back]);
        }
        return new HorizonErrors(horizon, model.errors(), lastValue.errors(), seasonal.errors());
    }

    /**
     * Walks the ticks as the job does, for horizons {@code 1..forecasts[0].length}: when tick t
     * arrives, each earlier forecast of it gives its horizon's error, which is scored against the
     * interval made with that forecast and then updates the horizon's mean square; then the
     * forecasts made after tick t get intervals from the mean squares as they now are. Every
     * tick updates the spreads, scored or not, as in the job.
     */
    public static Coverage[] coverage(
            double[] actual, double[][] forecasts, boolean[] scored, int from, double[] levels, double decay) {
        int ticks = actual.length;
        int horizons = forecasts[0].length;
        double[] z = new double[levels.length];
        for (int l = 0; l < levels.length; l++) {
            z[l] = ForecastSpread.zForLevel(levels[l]);
        }
        double[] meanSquare = new double[horizons];
        long[] seen = new long[horizons];
        // Spread of each horizon when each forecast was made; NaN before the horizon's first error.
        double[][] spreadAtForecast = new double[ticks][horizons];
        long[][] covered = new long[horizons][levels.length];
        long[] counts = new long[horizons];
        for (int t = 0; t < ticks; t++) {
            for (int h = 1; h <= horizons && h <= t; h++) {
                int origin = t - h;
                double error = actual[t] - forecasts[origin][h - 1];
                double spread = spreadAtForecast[origin][h - 1];
                if (t >= from && scored[t] && !Double.isNaN(spread)) {
                    counts[h - 1]++;
                    for (int l = 0; l < levels.length; l++) {
                        if (Math.abs(error) <= ForecastSpread.halfWidth(spread, z[l])) {
                            covered[h - 1][l]++;
                        }
                    }
                }
                meanSquare[h - 1] = ForecastSpread.nextMeanSquare(meanSquare[h - 1], seen[h - 1], error, decay);
                seen[h - 1]++;
            }
            for (int h = 0; h < horizons; h++) {
                spreadAtForecast[t][h] = seen[h] == 0 ? Double.NaN : meanSquare[h];
            }
        }
        Coverage[] result = new Coverage[horizons];
        for (int h = 0; h < horizons; h++) {
            result[h] = new Coverage(h + 1, levels.clone(), covered[h], counts[h]);
        }
        return result;
    }

    /**
     * Each tick's anomaly score as the job computes it: the one-step error over the spread of the
     * one-step errors before it ({@link ForecastSpread#score}); NaN for tick 0 (no forecast) and
     * tick 1 (no spread yet). The spread takes every error, flagged or not.
     *
     * @param oneStep {@code oneStep[t]}: the forecast of tick t made after tick t-1 (index 0 unused)
     */
    public static double[] anomalyScores(double[] actual, double[] oneStep, double decay) {
        double[] scores = new double[actual.length];
        scores[0] = Double.NaN;
        double meanSquare = 0;
        long seen = 0;
        for (int t = 1; t < actual.length; t++) {
            double error = actual[t] - oneStep[t];
            scores[t] = seen == 0 ? Double.NaN : ForecastSpread.score(error, meanSquare);
            meanSquare = ForecastSpread.nextMeanSquare(meanSquare, seen, error, decay);
            seen++;
        }
        return scores;
    }

    /**
     * Counts the flags over the target ticks: tick t is flagged when the key has had at least
     * {@code minSteps} ticks before it ({@code t >= minSteps}) and its score exceeds the
     * threshold.
     */
    public static FlagCounts flags(
            double[] scores, boolean[] injected, boolean[] scored, int from, int minSteps, double threshold) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long after = 0;
        long ticks = 0;
        for (int t = from; t < scores.length; t++) {
            if (!scored[t]) {
                continue;
            }
            ticks++;
            boolean flagged = t >= minSteps && scores[t] > threshold;
            if (flagged && injected[t]) {
                tp++;
            } else if (flagged) {
                fp++;
                after += t > 0 && injected[t - 1] ? 1 : 0;
            } else if (injected[t]) {
                fn++;
            }
        }
        return new FlagCounts(threshold, tp, fp, fn, after, ticks);
    }
}
