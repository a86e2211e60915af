package io.inferstream.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Gathers records into batches bounded by a maximum size and a maximum wait, and hands each
 * batch to a {@link BatchFunction}. A lone record waits at most {@code maxWaitMs}. The buffer is
 * emptied before every checkpoint barrier and watermark, so it never needs to be in state and a
 * restore never loses or repeats a buffered record.
 *
 * <p>When the function's model can be replaced ({@link BatchFunction#model}), the operator
 * runs with two inputs: the records, and the model updates of the control topic broadcast to
 * every instance. A finished load is swapped in before a batch, never during one; the control
 * input holds back neither watermarks nor idleness.
 */
public class MicroBatchOperator<IN, OUT> extends ModelServingOperator<IN, OUT>
        implements BoundedOneInput, BoundedMultiInput, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final BatchFunction<IN, OUT> function;
    private final ServedModel<?> model;
    private final int maxSize;
    private final long maxWaitMs;

    private transient List<IN> buffer;
    private transient long deadline;
    private transient ScheduledFuture<?> timer;
    private transient InferenceMetrics metrics;

    public MicroBatchOperator(BatchFunction<IN, OUT> function, int maxSize, long maxWaitMs) {
        if (maxSize < 1 || maxWaitMs < 0) {
            throw new IllegalArgumentException(
                    "batch size " + maxSize + " and wait " + maxWaitMs + " ms: expected size >= 1, wait >= 0");
        }
        this.function = function;
        this.model = function.model();
        this.maxSize = maxSize;
        this.maxWaitMs = maxWaitMs;
    }

    @Override
    protected ServedModel<?> servedModel() {
        return model;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new ArrayList<>(maxSize);
        metrics = new InferenceMetrics(getMetricGroup());
        function.open();
        openServedModel(model, null);
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        buffer.add(element.getValue());
        if (buffer.size() >= maxSize || maxWaitMs == 0) {
            flush();
        } else if (buffer.size() == 1) {
            deadline = getProcessingTimeService().getCurrentProcessingTime() + maxWaitMs;
            timer = getProcessingTimeService().registerTimer(deadline, this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        // A timer of an earlier, already flushed batch may still fire; only the current deadline counts.
        if (!buffer.isEmpty() && time >= deadline) {
            flush();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    /** The records' input ended (two-input form; input 2 is the control topic). */
    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            flush();
        }
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            function.close();
        } finally {
            super.close();
        }
    }

    private void flush() throws Exception {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (buffer.isEmpty()) {
            return;
        }
        model.poll();
        long start = System.nanoTime();
        // One ONNX call for the whole batch: its failure is the model's or the runtime's, not one
        // record's (each image was decoded and checked upstream), so it fails the job.
        List<OUT> results = function.apply(buffer);
        metrics.call(buffer.size(), System.nanoTime() - start);
        if (results.size() != buffer.size()) {
            throw new IllegalStateException("batch function returned " + results.size() + " results for "
                    + buffer.size() + " inputs; expected one per input");
        }
        long now = System.currentTimeMillis();
        for (OUT result : results) {
            metrics.prediction(function.eventTime(result, now), now);
            output.collect(new StreamRecord<>(result));
        }
        buffer = new ArrayList<>(maxSize);
    }
}
