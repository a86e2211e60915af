package io.inferstream.records;

import io.inferstream.inference.RnnCellSpec;

/**
 * One key's RNN state in Flink keyed state: the state tensors (h, or h then c) concatenated,
 * how many ticks it has stepped, the last event time, and the previous raw values (for the
 * log-return transform). Checkpointed with the Kafka offsets.
 */
public class RnnKeyState {
    public float[] state;
    public long step;
    public long lastEventTime;
    public double[] previousValues;
    /**
     * Which state shapes the floats were written for ({@link RnnCellSpec#stateShapeId}); 0 in state
     * written before the field existed, where only the length can be checked.
     */
    public int shape;

    public RnnKeyState() {}

    public RnnKeyState(float[] state) {
        this.state = state;
        this.step = 0;
        this.lastEventTime = Long.MIN_VALUE;
    }

    /** A key's first state under a model: zeros of the model's state shapes. */
    public static RnnKeyState initial(RnnCellSpec spec) {
        RnnKeyState initial = new RnnKeyState(new float[spec.stateSize()]);
        initial.shape = spec.stateShapeId();
        return initial;
    }

    /** Whether the state was written for the model's state shapes (same names and sizes, in order). */
    public static boolean fits(RnnKeyState state, RnnCellSpec spec) {
        return state.state.length == spec.stateSize() && (state.shape == 0 || state.shape == spec.stateShapeId());
    }
}
