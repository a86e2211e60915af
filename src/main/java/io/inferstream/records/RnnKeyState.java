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
    /**
     * The key's typical gap between ticks in ms, which spaces its horizon's target times: an
     * exponentially weighted mean of its gaps (weight {@code 0.1} on the newest); 0 until its
     * second tick.
     */
    public double tickIntervalMs;
    /**
     * Per horizon step h (0 for one tick ahead) and output o, at {@code [h * O + o]}: the mean
     * square of the errors of the key's forecasts h+1 ticks ahead. Null in state written before
     * horizons existed, or when forecasts are not compared with ticks (outputs are not inputs).
     */
    public double[] errorMeanSquares;
    /** Per horizon step: how many errors its mean squares have taken. */
    public long[] errorCounts;
    /**
     * The forecasts (k steps of O outputs) made after the key's last k ticks: those made after
     * its tick number s at {@code [(s % k) * k * O, ...)}; NaN where none was made.
     */
    public double[] recentForecasts;

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
