package io.inferstream.cli;

import io.inferstream.avro.TickPrediction;
import io.inferstream.demo.rnn.SyntheticTicks;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The demo's view of the tick forecasts: for a few sensors, each new value next to the forecast
 * made one step earlier; over all sensors, the recent forecast error after a warm-up against the
 * naive last-value forecast's, and ticks per second.
 */
final class TickDemoStats {
    private static final int WATCHED = 3;

    // The RNN starts each key from a zero state: its error is judged after it has settled.
    private static final int WARM_UP_STEPS = 100;

    private final java.util.Set<String> watched = new java.util.HashSet<>();
    private final Map<String, Watched> lastOfEveryKey = new HashMap<>();
    private final Watched allSensors = new Watched(10_000);
    private final ArrayDeque<Long> recent = new ArrayDeque<>();
    private long count;

    TickDemoStats() {
        for (int i = 0; i < WATCHED; i++) {
            watched.add(SyntheticTicks.key(i));
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
        double value = p.getInputs().get(0);
        double forecast = p.getOutputs().values().iterator().next();
        Watched last = lastOfEveryKey.computeIfAbsent(p.getKey(), k -> new Watched());
        double previousForecast = last.lastForecast;
        if (!Double.isNaN(previousForecast) && p.getStep() > WARM_UP_STEPS) {
            allSensors.add(value - previousForecast, value - last.lastValue);
        }
        last.lastForecast = forecast;
        last.lastValue = value;
        if (!watched.contains(p.getKey())) {
            return null;
        }
        if (Double.isNaN(previousForecast)) {
            return String.format("%-13s step %5d  value %7.3f  (no forecast yet)", p.getKey(), p.getStep(), value);
        }
        String overall = allSensors.errors.isEmpty()
                ? "all sensors: warming up (" + WARM_UP_STEPS + " steps)"
                : String.format(
                        "all sensors: RMSE %.3f (last value: %.3f)",
                        allSensors.rmse(allSensors.errors), allSensors.rmse(allSensors.naiveErrors));
        String line = String.format(
                "%-13s step %5d  value %7.3f  forecast %7.3f  error %+6.3f  %s  %7.1f ticks/s",
                p.getKey(),
                p.getStep(),
                value,
                previousForecast,
                value - previousForecast,
                overall,
                recent.size() / 5.0);
        if (p.getKey().equals(SyntheticTicks.key(0)) && !p.getHorizon().isEmpty()) {
            line += System.lineSeparator() + horizon(p);
        }
        return line;
    }

    /** The first sensor's look ahead: each step's forecast with its interval once it has one. */
    private static String horizon(TickPrediction p) {
        StringBuilder ahead = new StringBuilder(String.format("%-13s ahead:", ""));
        for (io.inferstream.avro.HorizonForecast h : p.getHorizon()) {
            double v = h.getOutputs().values().iterator().next();
            ahead.append(String.format(java.util.Locale.ROOT, "  +%d %.2f", h.getAhead(), v));
            if (h.getLower() != null && h.getUpper() != null) {
                ahead.append(String.format(
                        java.util.Locale.ROOT,
                        " [%.2f, %.2f]",
                        h.getLower().values().iterator().next(),
                        h.getUpper().values().iterator().next()));
            }
        }
        return ahead.toString();
    }

    String summary() {
        return count + " tick predictions";
    }

    /** A key's last forecast and value; for the overall view also a window of recent errors. */
    private static final class Watched {
        private final int window;
        final ArrayDeque<Double> errors = new ArrayDeque<>();
        final ArrayDeque<Double> naiveErrors = new ArrayDeque<>();
        double lastForecast = Double.NaN;
        double lastValue;

        Watched() {
            this(0);
        }

        /** Keeps the last {@code window} errors (0: none, for a key's last values only). */
        Watched(int window) {
            this.window = window;
        }

        void add(double error, double naive) {
            errors.addLast(error);
            naiveErrors.addLast(naive);
            if (errors.size() > window) {
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
