package io.inferstream.sql;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** What ML_PREDICT with the onnx provider reports: ONNX calls, rows predicted, rows rejected. */
final class PredictMetrics {
    private final Counter calls;
    private final Counter rows;
    private final Counter rejected;

    PredictMetrics(MetricGroup group) {
        MetricGroup onnx = group.addGroup("onnx");
        this.calls = onnx.counter("inferenceCalls");
        this.rows = onnx.counter("rowsPredicted");
        this.rejected = onnx.counter("rowsRejected");
    }

    void batch(int size) {
        calls.inc();
        rows.inc(size);
    }

    void rejected() {
        rejected.inc();
    }
}
