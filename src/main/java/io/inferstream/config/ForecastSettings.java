package io.inferstream.config;

import java.io.Serializable;

/**
 * The tick job's {@code forecast.*} and {@code anomaly.*} keys and {@code topics.alerts}: how many
 * steps ahead each forecast goes, the level of its prediction intervals, how fast the error spread
 * follows new errors, and when a tick counts as an anomaly.
 */
public final class ForecastSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String HORIZON = "forecast.horizon";
    public static final String INTERVAL = "forecast.interval";
    public static final String ERROR_DECAY = "forecast.error-decay";
    public static final String ANOMALY_THRESHOLD = "anomaly.threshold";
    public static final String ANOMALY_MIN_STEPS = "anomaly.min-steps";
    public static final String ALERTS_TOPIC = "topics.alerts";

    /** Values per forecast: 1 is the next tick only. */
    public final int horizon;
    /** Nominal coverage of the intervals, in (0, 1). */
    public final double intervalLevel;
    /** Weight of the newest error in each mean square ({@code ForecastSpread.nextMeanSquare}). */
    public final double errorDecay;
    /** A tick whose one-step error is more than this many spreads is an anomaly. */
    public final double anomalyThreshold;
    /** Ticks a key must have stepped before any of its ticks is flagged. */
    public final long anomalyMinSteps;
    /** Where anomalous ticks also go; null for nowhere. */
    public final String alertsTopic;
    /**
     * The configuration asked for something that feeds forecasts back or compares them with
     * ticks (a horizon above 1, intervals, anomaly keys or an alerts topic), so a model whose
     * outputs are not its inputs must be refused rather than quietly served without them.
     */
    public final boolean explicitlyAsked;

    private ForecastSettings(Settings s) {
        // Asked before the typed reads, which record each key's built-in default last.
        boolean intervalsOrAnomalyAsked = s.string(INTERVAL, null) != null
                || s.string(ANOMALY_THRESHOLD, null) != null
                || s.string(ANOMALY_MIN_STEPS, null) != null;
        this.horizon = s.intValue(HORIZON, 1, 1, 1000);
        this.intervalLevel = s.doubleValue(INTERVAL, 0.9, v -> v > 0 && v < 1, "a fraction in (0, 1), e.g. 0.9");
        this.errorDecay = s.doubleValue(
                ERROR_DECAY, 0.05, v -> v > 0 && v <= 1, "a weight in (0, 1], e.g. 0.05 (about 20 errors)");
        this.anomalyThreshold =
                s.doubleValue(ANOMALY_THRESHOLD, 4.0, v -> v > 0, "a positive number of spreads, e.g. 4");
        this.anomalyMinSteps = s.longValue(ANOMALY_MIN_STEPS, 20, 1, Long.MAX_VALUE);
        String alerts = s.string(ALERTS_TOPIC, null);
        this.alertsTopic = alerts == null || alerts.isEmpty() ? null : alerts;
        this.explicitlyAsked = horizon > 1 || alertsTopic != null || intervalsOrAnomalyAsked;
    }

    /** Reads and checks the keys; every one has a default. */
    public static ForecastSettings read(Settings s) {
        return new ForecastSettings(s);
    }
}
