package io.inferstream.input;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Refuses event times too far ahead to be true, before they reach a watermark: one tick stamped
 * in microseconds would otherwise move its partition's watermark thousands of years ahead, and
 * every later tick of every key would be late. One guard serves the partitions of one source
 * reader, from one thread.
 *
 * <p>A tick is refused ({@link RejectReason#FUTURE_TIMESTAMP}) when it is more than the bound
 * ahead of the wall clock, or ahead of the newest tick accepted from its partition plus the wall
 * time since that one was read. The second check catches a mistyped year in a replay of old
 * data, which the wall clock cannot tell; the wall time it adds keeps a live partition that was
 * quiet for a night from being refused in the morning. A replay runs faster than the wall clock,
 * so a gap longer than the bound in replayed data would look like a jump: when the next tick of
 * the partition is beyond the bound too, the jump is taken as real and accepted, so a gap costs
 * at most one dead-lettered tick and never stops the partition.
 */
public final class EventTimeGuard {
    private static final double MS_PER_YEAR = 365.2425 * 24 * 3600 * 1000;

    private final long maxFutureMs;
    private final LongSupplier wallClock;
    private final Map<Integer, PartitionTime> partitions = new HashMap<>();

    /** The newest accepted event time of one partition, and when it was read. */
    private static final class PartitionTime {
        long newest;
        long readAt;
        /** The previous tick of the partition was refused for being ahead of it. */
        boolean jumpPending;
    }

    public EventTimeGuard(long maxFutureMs, LongSupplier wallClock) {
        if (maxFutureMs <= 0) {
            throw new IllegalArgumentException("maxFutureMs = " + maxFutureMs + "; expected > 0");
        }
        this.maxFutureMs = maxFutureMs;
        this.wallClock = wallClock;
    }

    /** Accepts {@code ts} as the partition's event time, or refuses it naming how far ahead it is. */
    public void check(int partition, long ts) throws RejectedInputException {
        long now = wallClock.getAsLong();
        if (ts > now && ts - now > maxFutureMs) {
            throw new RejectedInputException(
                    RejectReason.FUTURE_TIMESTAMP,
                    "ts " + ts + " is " + describe(ts - now) + " ahead of the wall clock (" + now + "); expected"
                            + " epoch milliseconds at most order.max-future-ms = " + maxFutureMs + " ahead"
                            + (ts - now > 1000 * MS_PER_YEAR
                                    ? " (a time in microseconds or nanoseconds lands" + " that far ahead)"
                                    : ""));
        }
        PartitionTime time = partitions.get(partition);
        if (time == null) {
            time = new PartitionTime();
            time.newest = ts;
            time.readAt = now;
            partitions.put(partition, time);
            return;
        }
        long allowed = saturatedAdd(time.newest, maxFutureMs + Math.max(0, now - time.readAt));
        if (ts > allowed && !time.jumpPending) {
            time.jumpPending = true;
            throw new RejectedInputException(
                    RejectReason.FUTURE_TIMESTAMP,
                    "ts " + ts + " is " + describe(ts - time.newest) + " ahead of the newest tick of partition "
                            + partition + " (" + time.newest + "); expected at most order.max-future-ms = "
                            + maxFutureMs + " plus the wall time since that tick ahead");
        }
        time.jumpPending = false;
        if (ts > time.newest) {
            time.newest = ts;
            time.readAt = now;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** "53,900 years", "400 days", "2 h 5 min", "42 s", "250 ms". */
    static String describe(long ms) {
        if (ms >= 2 * MS_PER_YEAR) {
            return String.format(Locale.ROOT, "%,d years", Math.round(ms / MS_PER_YEAR));
        }
        if (ms >= 86_400_000L) {
            return String.format(Locale.ROOT, "%,d days", ms / 86_400_000L);
        }
        if (ms >= 3_600_000L) {
            return (ms / 3_600_000L) + " h " + (ms % 3_600_000L / 60_000L) + " min";
        }
        if (ms >= 1000) {
            return (ms / 1000) + " s";
        }
        return ms + " ms";
    }
}
