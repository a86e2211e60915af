package io.inferstream.sql;

import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnFeatureMapping;
import io.inferstream.inference.RnnStepper;
import io.inferstream.records.RnnKeyState;

/**
 * Steps one key's RNN state by one tick with a one-row ONNX call, by the tick job's rules: a key
 * idle longer than the time-to-live starts again from the initial state, and state written for
 * other state shapes either starts afresh (reset on model change) or is refused. The per-row
 * arithmetic is the job's (RnnBatchStepper): the same feature mapping, the same state layout.
 */
final class KeyStepper {
    private final RnnStepper cell;
    private final RnnCellSpec spec;
    private final RnnFeatureMapping mapping;
    private final long ttlMs;
    private final boolean resetOnModelChange;
    private final float[] input;
    private final float[] y;
    private final float[] nextState;

    /** One tick's result: the key's state after it, the outputs in user units, and whether the state was reset. */
    record Stepped(RnnKeyState state, double[] outputs, Reset reset) {}

    /** Why a key's state started again from the model's initial state before this tick. */
    enum Reset {
        NONE,
        TTL,
        MODEL_CHANGE
    }

    KeyStepper(RnnStepper cell, long ttlMs, boolean resetOnModelChange) {
        this.cell = cell;
        this.spec = cell.spec();
        this.mapping = new RnnFeatureMapping(spec);
        this.ttlMs = ttlMs;
        this.resetOnModelChange = resetOnModelChange;
        this.input = new float[spec.features];
        this.y = new float[spec.outputs];
        this.nextState = new float[spec.stateSize()];
    }

    RnnCellSpec spec() {
        return spec;
    }

    /**
     * Applies the tick at {@code ts} to {@code state} (null for a key without state) and returns
     * the key's next state; {@code state} itself may be updated in place.
     */
    Stepped step(RnnKeyState state, long ts, double[] values) {
        Reset reset = Reset.NONE;
        if (state != null && !RnnKeyState.fits(state, spec)) {
            if (!resetOnModelChange) {
                throw new IllegalStateException("hidden state of this key has " + state.state.length
                        + " floats written for other state shapes, but model " + spec.modelName + " v"
                        + spec.modelVersion + " expects " + spec.stateShape()
                        + "; expected the same shapes, or reset_on_model_change => TRUE to start every key from"
                        + " the model's initial state");
            }
            state = null;
            reset = Reset.MODEL_CHANGE;
        }
        if (state == null) {
            state = RnnKeyState.initial(spec);
        } else {
            state.shape = spec.stateShapeId();
            if (ttlMs > 0 && state.step > 0 && ts - state.lastEventTime > ttlMs) {
                state = RnnKeyState.initial(spec);
                reset = Reset.TTL;
            }
        }
        mapping.toModelInput(values, state.previousValues, input, 0);
        cell.step(1, input, state.state, y, nextState);
        System.arraycopy(nextState, 0, state.state, 0, nextState.length);
        state.step++;
        state.lastEventTime = ts;
        state.previousValues = values;
        return new Stepped(state, mapping.toUserUnits(y, 0, values), reset);
    }
}
