package io.inferstream.records;

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

    public RnnKeyState() {}

    public RnnKeyState(float[] state) {
        this.state = state;
        this.step = 0;
        this.lastEventTime = Long.MIN_VALUE;
    }
}
