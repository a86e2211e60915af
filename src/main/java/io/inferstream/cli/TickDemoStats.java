package io.inferstream.cli;

import io.inferstream.avro.TickPrediction;
import io.inferstream.ticks.SyntheticTicks;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The demo's view of the tick forecasts: for a few sensors, each new value next to the forecast
 * made one step earlier and the running error against the naive last-value forecast; for all
 * sensors, ticks per second.
 */
final class TickDemoStats {
    private static final int WATCHED = 3;

    private final Map<String, Watched> watched = new HashMap<>();
    private final ArrayDeque<Long> recent = new ArrayDeque<>();
    private long count;

    TickDemoStats() {
        for (int i = 0; i < WATCHED; i++) {
            watched.put(SyntheticTicks.key(i), new Watched());
        }
    }

    long count() {
        return count;
    }

    /** A line for a watched sensor's prediction, null for the others. */
    String line(TickPrediction p) {
        count++;
        long now = System.currentTimeMillis();
        recent.addLast(now);
        while (!recent.isEmpty() && recent.peekFirst() < now - 5000) {
            recent.removeFirst();
        }
        Watched w = watched.get(p.getKey());
        if (w == null) {
            return null;
        }
        double value = p.getInputs().get(0);
        double forecast = p.getOutputs().values().iterator().next();
        String line;
        if (Double.isNaN(w.lastForecast)) {
            line = String.format("%-13s step %5d  value %7.3f  (no forecast yet)", p.getKey(), p.getStep(), value);
        } else {
            double error = value - w.lastForecast;
            double naive = value - w.lastValue;
            w.add(error, naive);
            line = String.format(
                    "%-13s step %5d  value %7.3f  forecast %7.3f  error %+6.3f  RMSE(last %d) %.3f (last value: %.3f)  %7.1f ticks/s",
                    p.getKey(),
                    p.getStep(),
                    value,
                    w.lastForecast,
                    error,
                    w.errors.size(),
                    w.rmse(w.errors),
                    w.rmse(w.naiveErrors),
                    recent.size() / 5.0);
        }
        w.lastForecast = forecast;
        w.lastValue = value;
        return line;
    }

    String summary() {
        return count + " tick predictions";
    }

    /** A watched sensor: its last forecast and value, and its recent errors. */
    private static final class Watched {
        // The RNN starts from a zero state: a window of recent steps shows its settled error.
        private static final int WINDOW = 100;
        final ArrayDeque<Double> errors = new ArrayDeque<>();
        final ArrayDeque<Double> naiveErrors = new ArrayDeque<>();
        double lastForecast = Double.NaN;
        double lastValue;

        void add(double error, double naive) {
            errors.addLast(error);
            naiveErrors.addLast(naive);
            if (errors.size() > WINDOW) {
                errors.removeFirst();
                naiveErrors.removeFirst();
            }
        }

        double rmse(ArrayDeque<Double> window) {
            double sum = 0;
            for (double e : window) {
                sum += e * e;
            }
            return Math.sqrt(sum / window.size());
        }
    }
}
