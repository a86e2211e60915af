package io.inferstream.flink;

import io.inferstream.records.PendingTick;
import io.inferstream.records.PendingTicks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The RNN operator's ticks waiting for the watermark, per key and sorted by event time, on the
 * heap of the task: adding a tick is a hash lookup and (in order) an append, and a watermark
 * releases every key's due ticks from a queue of keys by earliest tick, with no keyed state
 * access and no timer per tick. The operator writes it to keyed state at each checkpoint and
 * reads it back on restore ({@link #toState}, {@link #restore}), so restore and rescale see
 * exactly what a checkpoint saw.
 */
final class OrderingBuffer {

    /** One key's pending ticks, event times ascending. */
    static final class KeyTicks {
        final String key;
        private long[] timestamps = new long[2];
        private PendingTick[] ticks = new PendingTick[2];
        private int size;
        /** Changed since the last checkpoint wrote it. */
        boolean dirty = true;

        KeyTicks(String key) {
            this.key = key;
        }

        int size() {
            return size;
        }

        long earliest() {
            return timestamps[0];
        }

        /** False, changing nothing, when the key already has a tick at {@code ts}. */
        private boolean insert(long ts, PendingTick tick) {
            int at;
            if (size == 0 || timestamps[size - 1] < ts) {
                at = size; // the common case: ticks of a key arrive in event-time order
            } else {
                int found = Arrays.binarySearch(timestamps, 0, size, ts);
                if (found >= 0) {
                    return false;
                }
                at = -found - 1;
            }
            if (size == timestamps.length) {
                timestamps = Arrays.copyOf(timestamps, size * 2);
                ticks = Arrays.copyOf(ticks, size * 2);
            }
            System.arraycopy(timestamps, at, timestamps, at + 1, size - at);
            System.arraycopy(ticks, at, ticks, at + 1, size - at);
            timestamps[at] = ts;
            ticks[at] = tick;
            size++;
            dirty = true;
            return true;
        }

        /** Removes the ticks at or before {@code watermark} into the lists, in event-time order. */
        private void releaseUpTo(long watermark, List<Long> releasedTimestamps, List<PendingTick> releasedTicks) {
            int n = 0;
            while (n < size && timestamps[n] <= watermark) {
                releasedTimestamps.add(timestamps[n]);
                releasedTicks.add(ticks[n]);
                n++;
            }
            System.arraycopy(timestamps, n, timestamps, 0, size - n);
            System.arraycopy(ticks, n, ticks, 0, size - n);
            Arrays.fill(ticks, size - n, size, null);
            size -= n;
            dirty = true;
        }

        /** A copy for keyed state: the buffer goes on changing while an asynchronous snapshot writes it. */
        PendingTicks toState() {
            String[] ids = new String[size];
            double[][] values = new double[size][];
            for (int i = 0; i < size; i++) {
                ids[i] = ticks[i].id;
                values[i] = ticks[i].values;
            }
            return new PendingTicks(Arrays.copyOf(timestamps, size), ids, values);
        }
    }

    /** A key released by a watermark: its due ticks in event-time order. */
    interface Released {
        void accept(String key, List<Long> timestamps, List<PendingTick> ticks) throws Exception;
    }

    /**
     * A key queued at the event time of what was its earliest tick. Kept when an earlier tick
     * comes (that one queues the key again), and skipped when popped with nothing due.
     */
    private record Due(long ts, KeyTicks keyTicks) {}

    private final Map<String, KeyTicks> byKey = new HashMap<>();
    private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.ts, b.ts));
    private long ticks;

    /** Adds a tick; false, changing nothing, when its key already has one at {@code ts}. */
    boolean add(String key, long ts, PendingTick tick) {
        KeyTicks k = byKey.get(key);
        if (k == null) {
            k = new KeyTicks(key);
            byKey.put(key, k);
        }
        boolean wasEmpty = k.size == 0;
        if (!k.insert(ts, tick)) {
            return false;
        }
        if (wasEmpty || k.earliest() == ts) {
            // Every key with ticks is queued at or before its earliest one.
            due.add(new Due(ts, k));
        }
        ticks++;
        return true;
    }

    /**
     * Removes the ticks at or before {@code watermark} and hands each key's to {@code released},
     * keys in the order of their earliest released tick.
     */
    void release(long watermark, Released released) throws Exception {
        while (!due.isEmpty() && due.peek().ts <= watermark) {
            KeyTicks k = due.poll().keyTicks;
            if (k.size == 0 || k.earliest() > watermark) {
                continue; // queued again already, or released under an earlier entry
            }
            List<Long> timestamps = new ArrayList<>(Math.min(k.size, 4));
            List<PendingTick> pending = new ArrayList<>(Math.min(k.size, 4));
            k.releaseUpTo(watermark, timestamps, pending);
            ticks -= timestamps.size();
            if (k.size == 0) {
                byKey.remove(k.key);
            } else {
                due.add(new Due(k.earliest(), k));
            }
            released.accept(k.key, timestamps, pending);
        }
    }

    /** Keys with pending ticks. */
    Collection<KeyTicks> keys() {
        return byKey.values();
    }

    boolean has(String key) {
        return byKey.containsKey(key);
    }

    /** Ticks waiting in all keys. */
    long size() {
        return ticks;
    }

    /**
     * Puts back a key's ticks as a checkpoint held them; as written, so nothing needs writing until
     * they change. Ticks the buffer holds already (a key restored twice) are refused as duplicates.
     */
    void restore(String key, PendingTicks state) {
        for (int i = 0; i < state.timestamps.length; i++) {
            add(key, state.timestamps[i], new PendingTick(state.ids[i], state.values[i]));
        }
        KeyTicks k = byKey.get(key);
        if (k != null) {
            k.dirty = false;
        }
    }
}
