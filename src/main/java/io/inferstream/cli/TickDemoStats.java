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
            w.squaredError += error * error;
            w.squaredNaive += naive * naive;
            w.scored++;
            line = String.format(
                    "%-13s step %5d  value %7.3f  forecast %7.3f  error %+6.3f  RMSE %.3f (last value: %.3f)  %7.1f ticks/s",
                    p.getKey(),
                    p.getStep(),
                    value,
                    w.lastForecast,
                    error,
                    Math.sqrt(w.squaredError / w.scored),
                    Math.sqrt(w.squaredNaive / w.scored),
                    recent.size() / 5.0);
        }
        w.lastForecast = forecast;
        w.lastValue = value;
        return line;
    }

    String summary() {
        return count + " tick predictions";
    }

    private static final class Watched {
        double lastForecast = Double.NaN;
        double lastValue;
        double squaredError;
        double squaredNaive;
        long scored;
    }
}
