package io.inferstream.sql;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Gathers items handed in one at a time into batches for one worker thread: a batch goes when it
 * holds maxSize items, or when its oldest item has waited maxWaitMs; a busy worker lets the next
 * batch grow meanwhile. The async predict function hands each row's future here, since Flink's
 * async operator gives it one row per call and no timer of its own.
 */
final class MicroBatcher<T> implements AutoCloseable {
    private final int maxSize;
    private final long maxWaitNanos;
    private final Consumer<List<T>> handler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<T> pending = new ArrayDeque<>();
    private final Thread worker;
    private long oldestArrival;
    private boolean running = true;

    MicroBatcher(int maxSize, long maxWaitMs, Consumer<List<T>> handler, String threadName) {
        if (maxSize < 1 || maxWaitMs < 0) {
            throw new IllegalArgumentException("batch of " + maxSize + " items within " + maxWaitMs
                    + " ms: expected at least 1 item, 0 ms or more");
        }
        this.maxSize = maxSize;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.handler = handler;
        this.worker = new Thread(this::work, threadName);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues one item; never blocks (the caller bounds how many are in flight). */
    void add(T item) {
        lock.lock();
        try {
            if (!running) {
                throw new IllegalStateException("the batcher is closed");
            }
            if (pending.isEmpty()) {
                oldestArrival = System.nanoTime();
            }
            pending.add(item);
            if (pending.size() == 1 || pending.size() == maxSize) {
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            List<T> batch = nextBatch();
            if (batch == null) {
                return;
            }
            handler.accept(batch);
        }
    }

    /** Waits for a full batch or the oldest item's deadline; null once closed and drained. */
    private List<T> nextBatch() {
        lock.lock();
        try {
            while (pending.isEmpty()) {
                if (!running) {
                    return null;
                }
                arrived.awaitUninterruptibly();
            }
            long left;
            while (running
                    && pending.size() < maxSize
                    && (left = oldestArrival + maxWaitNanos - System.nanoTime()) > 0) {
                arrived.awaitNanos(left);
            }
            int n = Math.min(maxSize, pending.size());
            List<T> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(pending.poll());
            }
            // What stays behind waited as long as the batch that just left.
            oldestArrival = System.nanoTime();
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Runs what is queued, then stops the worker and waits for it. */
    @Override
    public void close() {
        lock.lock();
        try {
            running = false;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
