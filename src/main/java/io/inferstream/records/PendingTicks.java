package io.inferstream.records;

/**
 * One key's ticks waiting for the watermark, as a checkpoint holds them: event times ascending,
 * with each tick's id and values at the same index. Written once per checkpoint for each key
 * whose ticks changed since the last one, never per tick.
 */
public class PendingTicks {
    public long[] timestamps;
    public String[] ids;
    public double[][] values;

    public PendingTicks() {}

    public PendingTicks(long[] timestamps, String[] ids, double[][] values) {
        this.timestamps = timestamps;
        this.ids = ids;
        this.values = values;
    }
}
