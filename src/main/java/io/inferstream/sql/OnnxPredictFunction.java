package io.inferstream.sql;

import io.inferstream.input.RejectedInputException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

/**
 * ML_PREDICT with {@code MAP['async', 'false']}: one ONNX Runtime call per row, in the task
 * thread. The reference the batched {@link OnnxAsyncPredictFunction} is measured against.
 */
public final class OnnxPredictFunction extends PredictFunction {
    private static final long serialVersionUID = 1L;

    private final RowModel model;
    private transient PredictMetrics metrics;

    OnnxPredictFunction(RowModel model) {
        this.model = model;
    }

    @Override
    public void open(FunctionContext context) {
        model.open();
        metrics = new PredictMetrics(context.getMetricGroup());
    }

    @Override
    public Collection<RowData> predict(RowData inputRow) {
        try {
            Object prepared = model.prepare(inputRow);
            metrics.batch(1);
            return model.predict(List.of(prepared));
        } catch (RejectedInputException e) {
            metrics.rejected();
            return List.of(model.rejected(e));
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
