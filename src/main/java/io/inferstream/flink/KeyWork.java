package io.inferstream.flink;

import io.inferstream.records.PendingTick;
import io.inferstream.records.RnnKeyState;
import java.util.List;

/**
 * One key's share of a watermark's work: its state and its released ticks in event-time order.
 * The RNN operator loads it from keyed state, the batch stepper steps it, and the operator
 * stores it back; neither needs the other to do its part.
 */
final class KeyWork {
    final String key;
    RnnKeyState state;
    final List<Long> timestamps;
    final List<PendingTick> ticks;
    final long previousLastEventTime;
    /** The key had no state before these ticks. */
    final boolean isNew;

    int next;

    KeyWork(
            String key,
            RnnKeyState state,
            List<Long> timestamps,
            List<PendingTick> ticks,
            long previousLast,
            boolean isNew) {
        this.key = key;
        this.state = state;
        this.timestamps = timestamps;
        this.ticks = ticks;
        this.previousLastEventTime = previousLast;
        this.isNew = isNew;
    }

    boolean hasNext() {
        return next < ticks.size();
    }
}
