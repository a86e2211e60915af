package io.inferstream.flink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The metrics every inference operator reports: rows per ONNX Runtime call, the call's time,
 * predictions made, and how far behind event time they are made.
 */
final class InferenceMetrics {
    private static final int WINDOW = 1024;

    private final Histogram batchSize;
    private final Histogram inferenceMicros;
    private final Histogram eventTimeLagMillis;
    private final Counter predictions;

    InferenceMetrics(MetricGroup group) {
        this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(WINDOW));
        this.inferenceMicros = group.histogram("inferenceMicros", new DescriptiveStatisticsHistogram(WINDOW));
        this.eventTimeLagMillis = group.histogram("eventTimeLagMillis", new DescriptiveStatisticsHistogram(WINDOW));
        this.predictions = group.counter("predictions");
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
