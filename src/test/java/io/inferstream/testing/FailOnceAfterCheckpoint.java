package io.inferstream.testing;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * A pass-through map that, once armed, throws once in the whole JVM: at the first record after
 * both a number of records and a checkpoint completed since arming, so the job restores state
 * and offsets from that checkpoint. The test keeps the instance it built to arm it and to ask
 * what happened; Flink's serialized copies share its counters through a static registry.
 */
public final class FailOnceAfterCheckpoint<T> implements MapFunction<T, T>, CheckpointListener {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Counters> COUNTERS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final long afterRecords;
    private final long pauseNanos;

    private static final class Counters {
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicBoolean failed = new AtomicBoolean();
        final AtomicLong records = new AtomicLong();
        final AtomicLong checkpoints = new AtomicLong();
    }

    private FailOnceAfterCheckpoint(long afterRecords, Duration pausePerRecord, boolean armed) {
        this.afterRecords = afterRecords;
        this.pauseNanos = pausePerRecord.toNanos();
        COUNTERS.computeIfAbsent(id, k -> new Counters()).armed.set(armed);
    }

    /**
     * Armed from the start: fails after {@code records} records and a completed checkpoint,
     * pausing on each record until then so that checkpoints complete while records still flow.
     */
    public static <T> FailOnceAfterCheckpoint<T> afterRecords(long records, Duration pausePerRecord) {
        return new FailOnceAfterCheckpoint<>(records, pausePerRecord, true);
    }

    /** Never armed: the same operator in the same place, for a reference run without a failure. */
    public static <T> FailOnceAfterCheckpoint<T> never() {
        return whenArmed();
    }

    /** Disarmed until {@link #arm()}; then fails at the first record after a completed checkpoint. */
    public static <T> FailOnceAfterCheckpoint<T> whenArmed() {
        return new FailOnceAfterCheckpoint<>(0, Duration.ZERO, false);
    }

    public void arm() {
        counters().armed.set(true);
    }

    public boolean failed() {
        return counters().failed.get();
    }

    /** Checkpoints completed since arming (up to the failure and after it). */
    public long checkpoints() {
        return counters().checkpoints.get();
    }

    @Override
    public T map(T record) {
        Counters c = counters();
        if (c.armed.get() && !c.failed.get()) {
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
            if (c.records.incrementAndGet() >= afterRecords
                    && c.checkpoints.get() > 0
                    && c.failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + c.records.get() + " records and "
                        + c.checkpoints.get() + " completed checkpoints");
            }
        }
        return record;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Counters c = counters();
        if (c.armed.get()) {
            c.checkpoints.incrementAndGet();
        }
    }

    private Counters counters() {
        // Flink's copies are deserialized in this JVM (MiniCluster), where the registry holds the id.
        Counters c = COUNTERS.get(id);
        if (c == null) {
            throw new IllegalStateException("no counters for failure " + id
                    + "; expected the job to run in the JVM that built this function (a MiniCluster)");
        }
        return c;
    }
}
