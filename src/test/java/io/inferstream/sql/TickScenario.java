package io.inferstream.sql;

import io.inferstream.demo.rnn.SyntheticTicks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The ticks both the tick job and {@code RNN_FORECAST} get in the SQL tests, as JSON in arrival
 * order: keys interleaved and out of order within the bound, one key with gaps around the
 * time-to-live, a duplicate timestamp, a tick of the wrong width, a NaN and a late tick.
 */
final class TickScenario {
    static final long BOUND_MS = 2_000;
    static final long TTL_MS = 5_000;
    static final long START = SyntheticTicks.START_EPOCH_MS;
    static final long STEP_MS = SyntheticTicks.STEP_MS;

    /** A tick as sent: its key and JSON value. */
    record Sent(String key, String json) {}

    /** The id of the one tick sent far behind the watermark. */
    static final String LATE_ID = "late";

    private final int keys;
    private final int steps;
    private final SyntheticTicks series = new SyntheticTicks(7);

    TickScenario(int keys, int steps) {
        this.keys = keys;
        this.steps = steps;
    }

    static long ts(int step) {
        return START + step * STEP_MS;
    }

    /** Key 0 skips steps 10-19 (idle past the TTL) and 25-28 (idle exactly the TTL). */
    static boolean skipped(int key, int step) {
        return key == 0 && ((step >= 10 && step <= 19) || (step >= 25 && step <= 28));
    }

    /** Every tick, in arrival order. */
    List<Sent> arrivals() {
        Random random = new Random(11);
        List<Object[]> order = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            for (int k = 0; k < keys; k++) {
                if (skipped(k, step)) {
                    continue;
                }
                long arrival = ts(step) + (long) (random.nextDouble() * (BOUND_MS - 200));
                String json = String.format(
                        Locale.ROOT,
                        "{\"key\":\"%s\",\"ts\":%d,\"value\":%s,\"id\":\"%s@%d\"}",
                        SyntheticTicks.key(k),
                        ts(step),
                        series.value(k, step),
                        SyntheticTicks.key(k),
                        step);
                order.add(new Object[] {arrival, new Sent(SyntheticTicks.key(k), json)});
            }
        }
        // Rejected by both: the same timestamp twice (the second arrival), two values for a
        // one-feature model, and a NaN.
        long dup = ts(5) + BOUND_MS - 100;
        order.add(new Object[] {dup, json(1, ts(5), "\"value\":99.0", "dup")});
        order.add(new Object[] {ts(7), json(2, ts(7) + 500, "\"values\":[1.0,2.0]", "wide")});
        order.add(new Object[] {ts(8), json(3, ts(8) + 500, "\"value\":NaN", "nan")});
        order.sort(Comparator.comparingLong(a -> (Long) a[0]));
        List<Sent> sent = new ArrayList<>();
        for (Object[] a : order) {
            sent.add((Sent) a[1]);
        }
        // Late: far behind the watermark when it arrives. The job dead-letters it; Flink drops
        // it before a process table function sees it.
        sent.add(json(4, ts(2) + 500, "\"value\":20.0", LATE_ID));
        return sent;
    }

    private static Sent json(int key, long ts, String values, String id) {
        String k = SyntheticTicks.key(key);
        return new Sent(
                k, String.format(Locale.ROOT, "{\"key\":\"%s\",\"ts\":%d,%s,\"id\":\"%s\"}", k, ts, values, id));
    }
}
