package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.ForecastSettings;
import io.inferstream.inference.ForecastSpread;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.RnnKeyState;
import java.util.Arrays;

/**
 * One key's record of how good its forecasts were, kept in its {@link RnnKeyState}: each tick is
 * compared with the forecasts made 1 to k ticks before it (by tick count, not by time), the error
 * of each horizon step updates that step's mean square ({@link ForecastSpread#nextMeanSquare}), and
 * the one-step error over the spread known before it is the tick's anomaly score. The same
 * arithmetic as the offline evaluation, which calls {@link ForecastSpread} alike.
 */
final class HorizonSpread {
    /** Weight of the newest gap in a key's typical tick interval. */
    static final double INTERVAL_WEIGHT = 0.1;

    private final int horizon;
    private final int outputs;
    private final double decay;
    private final double z;
    private final double threshold;
    private final long minSteps;

    HorizonSpread(ForecastSettings settings, int outputs) {
        this.horizon = settings.horizon;
        this.outputs = outputs;
        this.decay = settings.errorDecay;
        this.z = ForecastSpread.zForLevel(settings.intervalLevel);
        this.threshold = settings.anomalyThreshold;
        this.minSteps = settings.anomalyMinSteps;
    }

    /**
     * The spread for a model's forecasts, or null when its outputs are not its inputs, so there is
     * nothing to compare with ticks; refused when the configuration asked for horizons, intervals
     * or anomalies from such a model.
     */
    static HorizonSpread forModel(ForecastSettings settings, RnnCellSpec spec) {
        if (spec.outputs == spec.features) {
            return new HorizonSpread(settings, spec.outputs);
        }
        if (settings.explicitlyAsked) {
            String key = settings.horizon > 1 ? ForecastSettings.HORIZON : "forecast.*, anomaly.* or topics.alerts";
            Object value = settings.horizon > 1 ? settings.horizon : "set";
            throw ConfigException.of(
                    key,
                    value,
                    "a model whose outputs are its inputs (same width and units), since forecasts are fed back"
                            + " as ticks and compared with later ticks; model " + spec.modelName + " v"
                            + spec.modelVersion + " takes " + spec.features + " features and returns " + spec.outputs
                            + " outputs (or leave forecast.horizon at 1 and the forecast.interval, anomaly.* and"
                            + " topics.alerts keys unset)");
        }
        return null;
    }

    int horizon() {
        return horizon;
    }

    /**
     * Gives the key's state the arrays for this horizon and output count: fresh for a new key, for
     * state written before horizons existed and for state written for another horizon.
     */
    void fit(RnnKeyState state) {
        int width = horizon * outputs;
        if (state.errorMeanSquares != null
                && state.errorMeanSquares.length == width
                && state.errorCounts != null
                && state.errorCounts.length == horizon
                && state.recentForecasts != null
                && state.recentForecasts.length == horizon * width) {
            return;
        }
        state.errorMeanSquares = new double[width];
        state.errorCounts = new long[horizon];
        state.recentForecasts = new double[horizon * width];
        Arrays.fill(state.recentForecasts, Double.NaN);
    }

    /** Follows the gap to a tick at {@code ts}, before the state takes that tick. */
    static void observeGap(RnnKeyState state, long ts) {
        if (state.step == 0 || state.lastEventTime == Long.MIN_VALUE) {
            return;
        }
        double gap = ts - state.lastEventTime;
        state.tickIntervalMs =
                state.tickIntervalMs <= 0 ? gap : state.tickIntervalMs + INTERVAL_WEIGHT * (gap - state.tickIntervalMs);
    }

    /**
     * Compares the tick about to be the key's next step with each forecast made for it, scores it
     * against the one-step spread before that error counts, then updates every horizon step's
     * spread. Returns the score, NaN when the key had no one-step forecast or no spread yet.
     */
    double observe(RnnKeyState state, double[] values) {
        long step = state.step + 1;
        double score = Double.NaN;
        for (int h = 0; h < horizon; h++) {
            long madeAfter = step - (h + 1);
            if (madeAfter < 1) {
                break;
            }
            int at = slot(madeAfter) + h * outputs;
            if (Double.isNaN(state.recentForecasts[at])) {
                continue;
            }
            long seen = state.errorCounts[h];
            for (int o = 0; o < outputs; o++) {
                double error = values[o] - state.recentForecasts[at + o];
                int m = h * outputs + o;
                if (h == 0 && seen > 0) {
                    double s = ForecastSpread.score(error, state.errorMeanSquares[m]);
                    score = Double.isNaN(score) ? s : Math.max(score, s);
                }
                state.errorMeanSquares[m] =
                        ForecastSpread.nextMeanSquare(state.errorMeanSquares[m], seen, error, decay);
            }
            state.errorCounts[h] = seen + 1;
        }
        return score;
    }

    /** Whether a tick with {@code score} is flagged, once the key has stepped it. */
    boolean isAnomaly(RnnKeyState state, double score) {
        return state.step >= minSteps && score > threshold;
    }

    /**
     * Keeps the forecasts just made after the key's tick number {@code state.step} ({@code
     * horizon * outputs} values from {@code forecasts[from]}), and writes their interval ends
     * with the spreads as known now: NaN for a horizon step without errors yet.
     */
    void remember(RnnKeyState state, double[] forecasts, int from, double[] lower, double[] upper) {
        int width = horizon * outputs;
        System.arraycopy(forecasts, from, state.recentForecasts, slot(state.step), width);
        for (int h = 0; h < horizon; h++) {
            for (int o = 0; o < outputs; o++) {
                int m = h * outputs + o;
                if (state.errorCounts[h] == 0) {
                    lower[m] = Double.NaN;
                    upper[m] = Double.NaN;
                } else {
                    double half = ForecastSpread.halfWidth(state.errorMeanSquares[m], z);
                    lower[m] = forecasts[from + m] - half;
                    upper[m] = forecasts[from + m] + half;
                }
            }
        }
    }

    /** When each horizon step is due after a tick at {@code ts}; null until the interval is known. */
    long[] targetTimes(RnnKeyState state, long ts) {
        if (state.tickIntervalMs <= 0) {
            return null;
        }
        long[] times = new long[horizon];
        for (int h = 0; h < horizon; h++) {
            times[h] = ts + Math.round((h + 1) * state.tickIntervalMs);
        }
        return times;
    }

    private int slot(long step) {
        return (int) (step % horizon) * horizon * outputs;
    }
}
