package io.inferstream.flink;

import io.inferstream.records.ModelUpdateRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * An inference operator whose model can be replaced while the job runs. It works with one input
 * (the records) or with two, the second being the control topic's model updates broadcast to
 * every instance. The control input holds back neither watermarks nor idleness: it has no event
 * time of its own. The {@link ServedModel} is restored before {@code open()}, snapshotted with the
 * operator and closed with it.
 */
abstract class ModelServingOperator<IN, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT>, TwoInputStreamOperator<IN, ModelUpdateRecord, OUT> {
    private static final long serialVersionUID = 1L;

    /**
     * Applies {@code operator} to {@code records} (keyed or not), with the model updates as its
     * second input where there are any.
     */
    static <IN, OUT> SingleOutputStreamOperator<OUT> apply(
            DataStream<IN> records,
            DataStream<ModelUpdateRecord> updates,
            String name,
            TypeInformation<OUT> type,
            ModelServingOperator<IN, OUT> operator) {
        return updates == null
                ? records.transform(name, type, operator)
                : records.connect(updates.broadcast()).transform(name, type, operator);
    }

    /** The model the operator serves: a {@link LiveModel}, or a fixed one a benchmark handed in. */
    protected abstract ServedModel<?> servedModel();

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        servedModel()
                .initializeState(
                        context.getOperatorStateStore(),
                        context.isRestored(),
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    }

    /** Starts taking updates: metrics, the status side output, and the operator's swap hook (may be null). */
    protected final <M extends AutoCloseable> void openServedModel(
            ServedModel<M> model, ServedModel.SwapListener<M> onSwap) {
        model.open(
                getMetricGroup(),
                getProcessingTimeService(),
                status -> output.collect(LiveModel.STATUS, new StreamRecord<>(status)),
                onSwap);
    }

    @Override
    public void processElement1(StreamRecord<IN> element) throws Exception {
        processElement(element);
    }

    /** A model update: loaded in the background, swapped in between batches by {@link ServedModel#poll}. */
    @Override
    public void processElement2(StreamRecord<ModelUpdateRecord> update) {
        servedModel().offer(update.getValue());
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // The control topic has no event time; it must not hold the records' watermark back.
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputId) throws Exception {
        if (inputId == 0) {
            processWatermarkStatus(status);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        servedModel().snapshotState();
    }

    @Override
    public void close() throws Exception {
        try {
            servedModel().close();
        } finally {
            super.close();
        }
    }
}
