package io.inferstream.records;

/** A tick waiting in keyed state for the watermark to pass it, so ticks step in event-time order. */
public class PendingTick {
    public String id;
    public double[] values;

    public PendingTick() {}

    public PendingTick(String id, double[] values) {
        this.id = id;
        this.values = values;
    }
}
