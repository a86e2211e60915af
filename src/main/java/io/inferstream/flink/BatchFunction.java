package io.inferstream.flink;

import java.io.Serializable;
import java.util.List;

/**
 * What a {@link MicroBatchOperator} does with one batch: one output per input, in order. Opened
 * once per parallel instance, where it loads its model; closed when the operator closes.
 */
public interface BatchFunction<IN, OUT> extends Serializable {

    /** Loads whatever the function needs (a model session); called once before any batch. */
    void open() throws Exception;

    /** Processes one batch; returns exactly one output per input, in input order. */
    List<OUT> apply(List<IN> batch) throws Exception;

    /** Releases what {@link #open} took. */
    void close() throws Exception;

    /**
     * The model the operator restores, offers updates to, swaps between batches and closes for the
     * function; none by default, for a function that needs no model or holds its own. Called once,
     * when the operator is built.
     */
    default ServedModel<?> model() {
        return FixedModel.none();
    }

    /** The event time of the input an output answers, for the event-time lag metric; {@code now} if unknown. */
    default long eventTime(OUT output, long now) {
        return now;
    }
}
