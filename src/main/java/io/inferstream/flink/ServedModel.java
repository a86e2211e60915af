package io.inferstream.flink;

import io.inferstream.records.ModelStatusRecord;
import io.inferstream.records.ModelUpdateRecord;
import java.io.Serializable;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.metrics.MetricGroup;

/**
 * The model an inference operator serves, with its life cycle as the operator drives it: set up
 * with the operator's state before {@code open()}, offered the control topic's updates, polled
 * between batches, snapshotted with the operator and closed with it. Jobs serve a {@link
 * LiveModel}; a benchmark that measures the job without inference hands in a {@link FixedModel}.
 */
public interface ServedModel<M extends AutoCloseable> extends Serializable {

    /** Told of every swap in the task thread, before the previous model is closed. */
    interface SwapListener<M> {
        void swapped(M previous, M next);
    }

    /** Takes up the model to serve, restored from {@code store} or made afresh; in the task thread. */
    void initializeState(OperatorStateStore store, boolean restored, int subtaskIndex) throws Exception;

    /** Starts taking updates: metrics, the status output, and the operator's swap hook (may be null). */
    void open(
            MetricGroup group,
            ProcessingTimeService processingTime,
            Consumer<ModelStatusRecord> statusOutput,
            SwapListener<M> swapListener);

    /** The model to run now. */
    M current();

    /** Takes an update from the control topic. */
    void offer(ModelUpdateRecord update);

    /** Swaps in what has finished loading; called between batches only. */
    void poll();

    void snapshotState() throws Exception;

    void close() throws Exception;
}
