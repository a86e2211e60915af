package io.inferstream.sql;

import io.inferstream.input.RejectedInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * ML_PREDICT's default mode: rows are decoded in the task thread, then gathered into one ONNX
 * Runtime call per batch (batch.max-size rows or batch.max-wait-ms, whichever comes first) on a
 * worker thread that completes each row's future. The async operator keeps at most
 * max-concurrent-operations rows in flight, so a batch never holds more than that.
 */
public final class OnnxAsyncPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;

    private final RowModel model;
    private final int maxBatchSize;
    private final long maxBatchWaitMs;
    private transient MicroBatcher<PendingRow> batcher;
    private transient PredictMetrics metrics;

    /** One prepared row waiting for its batch. */
    private record PendingRow(Object prepared, CompletableFuture<Collection<RowData>> result) {}

    OnnxAsyncPredictFunction(RowModel model, int maxBatchSize, long maxBatchWaitMs) {
        this.model = model;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchWaitMs = maxBatchWaitMs;
    }

    @Override
    public void open(FunctionContext context) {
        model.open();
        metrics = new PredictMetrics(context.getMetricGroup());
        int size = Math.min(maxBatchSize, model.maxBatch());
        String thread = "onnx-predict-" + context.getTaskInfo().getTaskNameWithSubtasks();
        batcher = new MicroBatcher<>(size, maxBatchWaitMs, this::runBatch, thread);
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData inputRow) {
        CompletableFuture<Collection<RowData>> result = new CompletableFuture<>();
        try {
            batcher.add(new PendingRow(model.prepare(inputRow), result));
        } catch (RejectedInputException e) {
            metrics.rejected();
            result.complete(List.of(model.rejected(e)));
        }
        return result;
    }

    private void runBatch(List<PendingRow> batch) {
        List<Object> prepared = new ArrayList<>(batch.size());
        batch.forEach(p -> prepared.add(p.prepared()));
        List<RowData> rows;
        try {
            rows = model.predict(prepared);
        } catch (RuntimeException e) {
            // A failing model fails the job, as in the image job: the rows are not the problem.
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        metrics.batch(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(List.of(rows.get(i)));
        }
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        model.close();
    }
}
