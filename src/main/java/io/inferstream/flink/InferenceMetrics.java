package io.inferstream.flink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The metrics every inference operator reports: rows per ONNX Runtime call, the call's time,
 * predictions made, and how far behind event time they are made. Dashboards and alerts depend on
 * these names; deploy/monitoring's dashboard is checked against them.
 */
final class InferenceMetrics {
    /** Histogram: rows per ONNX Runtime call. */
    static final String BATCH_SIZE = "batchSize";
    /** Histogram: microseconds per ONNX Runtime call. */
    static final String INFERENCE_MICROS = "inferenceMicros";
    /** Histogram: milliseconds from an input's event time to its prediction. */
    static final String EVENT_TIME_LAG_MILLIS = "eventTimeLagMillis";
    /** Counter: predictions made. */
    static final String PREDICTIONS = "predictions";
    /** Counter of the tick job: keys started afresh because the model changed. */
    static final String STATE_RESETS = "stateResets";
    /** Counter of the tick job: keys started afresh after idling longer than their time-to-live. */
    static final String TTL_RESETS = "ttlResets";
    /** Keys with hidden state in an RNN operator instance (gauge). */
    static final String LIVE_KEYS = "liveKeys";
    /**
     * Key of the metric group {@code addGroup(MODEL_VERSION_GROUP, version)} under which an
     * inference operator reports the gauge {@link #MODEL_VERSION_ACTIVE}: 1 while it runs that
     * model version, 0 once another replaced it. Prometheus sees {@code model_version} as a label.
     */
    static final String MODEL_VERSION_GROUP = "model_version";
    /** Gauge in the {@link #MODEL_VERSION_GROUP} group: 1 for the version in use, else 0. */
    static final String MODEL_VERSION_ACTIVE = "active";
    /** Model updates swapped in (counter, per operator instance). */
    static final String MODEL_UPDATES_ACCEPTED = "modelUpdatesAccepted";
    /** Model updates refused: the running model stayed (counter). */
    static final String MODEL_UPDATES_REFUSED = "modelUpdatesRefused";

    private static final int WINDOW = 1024;

    private final Histogram batchSize;
    private final Histogram inferenceMicros;
    private final Histogram eventTimeLagMillis;
    private final Counter predictions;

    InferenceMetrics(MetricGroup group) {
        this.batchSize = group.histogram(BATCH_SIZE, new DescriptiveStatisticsHistogram(WINDOW));
        this.inferenceMicros = group.histogram(INFERENCE_MICROS, new DescriptiveStatisticsHistogram(WINDOW));
        this.eventTimeLagMillis = group.histogram(EVENT_TIME_LAG_MILLIS, new DescriptiveStatisticsHistogram(WINDOW));
        this.predictions = group.counter(PREDICTIONS);
    }

    /** One ONNX Runtime call of {@code rows} rows that took {@code nanos}. */
    void call(int rows, long nanos) {
        batchSize.update(rows);
        inferenceMicros.update(nanos / 1000);
    }

    /** One prediction for an input of this event time, made now. */
    void prediction(long eventTime, long now) {
        predictions.inc();
        eventTimeLagMillis.update(Math.max(0, now - eventTime));
    }
}
