package io.inferstream.flink;

import io.inferstream.records.ModelStatusRecord;
import io.inferstream.records.ModelUpdateRecord;
import java.io.Serializable;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model that is never replaced and keeps nothing in state: made when the operator starts,
 * closed when it closes, and deaf to the control topic. Benchmarks serve one that does no
 * inference, to measure what Kafka and Flink cost on their own.
 */
public final class FixedModel<M extends AutoCloseable> implements ServedModel<M> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FixedModel.class);

    /** Makes the model in the operator, where it runs (the model itself need not be serializable). */
    public interface Factory<M> extends Serializable {
        M create();
    }

    private final String description;
    private final Factory<M> factory;
    private transient M model;

    /** A model {@code factory} makes; {@code description} names it in the log. */
    public FixedModel(String description, Factory<M> factory) {
        this.description = description;
        this.factory = factory;
    }

    /** No model at all: for functions that need none from the operator. */
    public static FixedModel<AutoCloseable> none() {
        return new FixedModel<>("no model", () -> () -> {});
    }

    @Override
    public void initializeState(OperatorStateStore store, boolean restored, int subtaskIndex) {
        model = factory.create();
    }

    @Override
    public void open(
            MetricGroup group,
            ProcessingTimeService processingTime,
            Consumer<ModelStatusRecord> statusOutput,
            SwapListener<M> swapListener) {}

    @Override
    public M current() {
        return model;
    }

    @Override
    public void offer(ModelUpdateRecord update) {
        LOG.warn("Ignoring {}: this operator serves {}, which updates do not replace", update, description);
    }

    @Override
    public void poll() {}

    @Override
    public void snapshotState() {}

    @Override
    public void close() throws Exception {
        if (model != null) {
            M closing = model;
            model = null;
            closing.close();
        }
    }
}
