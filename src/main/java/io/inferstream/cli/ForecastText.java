package io.inferstream.cli;

import io.inferstream.avro.HorizonForecast;
import io.inferstream.avro.TickPrediction;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One tick forecast as a line a person reads: the tick, each output with its interval, the
 * horizon ahead with target times and intervals, and the anomaly score and flag.
 */
final class ForecastText {
    private ForecastText() {}

    static String of(TickPrediction p) {
        StringBuilder line = new StringBuilder();
        line.append(String.format(
                Locale.ROOT,
                "TickPrediction %s step %d at %s, inputs %s -> %s",
                p.getKey(),
                p.getStep(),
                p.getEventTime(),
                p.getInputs(),
                outputs(p.getOutputs(), p.getLower(), p.getUpper())));
        for (HorizonForecast h : p.getHorizon()) {
            if (h.getAhead() == 1) {
                continue;
            }
            line.append(String.format(
                    Locale.ROOT,
                    " | +%d%s %s",
                    h.getAhead(),
                    h.getTargetTime() == null ? "" : " (" + time(h.getTargetTime()) + ")",
                    outputs(h.getOutputs(), h.getLower(), h.getUpper())));
        }
        if (p.getAnomalyScore() != null) {
            line.append(String.format(Locale.ROOT, " | score %.2f", p.getAnomalyScore()));
        }
        if (p.getAnomaly()) {
            line.append(" ANOMALY");
        }
        line.append(String.format(" (%s v%s, id %s)", p.getModel(), p.getModelVersion(), p.getId()));
        return line.toString();
    }

    /** {@code name=value [lower, upper]} per output; without the bounds where there are none yet. */
    static String outputs(Map<String, Double> values, Map<String, Double> lower, Map<String, Double> upper) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(String.format(Locale.ROOT, "%s=%.4f", e.getKey(), e.getValue()));
            if (lower != null && upper != null && lower.containsKey(e.getKey())) {
                out.append(String.format(Locale.ROOT, " [%.4f, %.4f]", lower.get(e.getKey()), upper.get(e.getKey())));
            }
        }
        return out.toString();
    }

    private static String time(Instant at) {
        return at.toString();
    }
}
