package io.inferstream.flink;

import io.inferstream.records.ModelUpdateRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads updated models on one background thread, so that reading and checking a model never
 * stalls the task thread, and hands them back in the order the updates came. The thread starts
 * with the first load.
 */
final class ModelLoadQueue<M extends AutoCloseable> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoadQueue.class);

    /** A finished load: the model, or why it could not be loaded. */
    record Loaded<M>(ModelUpdateRecord update, M model, Throwable failure) {}

    private record PendingLoad<M>(ModelUpdateRecord update, Future<M> future) {}

    private final String threadName;
    private final ArrayDeque<PendingLoad<M>> pending = new ArrayDeque<>();
    private ExecutorService executor;

    ModelLoadQueue(String threadName) {
        this.threadName = threadName;
    }

    /** Starts loading the model {@code update} names. */
    void submit(ModelUpdateRecord update, Callable<M> load) {
        pending.add(new PendingLoad<>(update, executor().submit(load)));
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * The oldest load once it has finished; null while it is still under way (a later load that
     * finished first waits its turn) or when none is pending.
     */
    Loaded<M> takeFinished() {
        PendingLoad<M> next = pending.peek();
        if (next == null || !next.future.isDone()) {
            return null;
        }
        pending.poll();
        try {
            return new Loaded<>(next.update, next.future.get(), null);
        } catch (ExecutionException e) {
            return new Loaded<>(next.update, null, e.getCause());
        } catch (InterruptedException e) {
            // A finished future does not wait; only a thread interrupted before the call gets here.
            Thread.currentThread().interrupt();
            return new Loaded<>(next.update, null, e);
        }
    }

    /** The updates still loading or not yet taken, oldest first. */
    List<ModelUpdateRecord> updates() {
        List<ModelUpdateRecord> updates = new ArrayList<>(pending.size());
        for (PendingLoad<M> load : pending) {
            updates.add(load.update);
        }
        return updates;
    }

    /** Stops the thread and closes every model it loaded that nobody took. */
    void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (PendingLoad<M> load : pending) {
            if (load.future.isDone() && !load.future.isCancelled()) {
                try {
                    closeQuietly(load.future.get());
                } catch (Exception ignored) {
                    // nothing was loaded
                }
            }
        }
        pending.clear();
    }

    static void closeQuietly(AutoCloseable model) {
        try {
            model.close();
        } catch (Exception e) {
            LOG.warn("Closing a replaced model failed", e);
        }
    }

    private ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, threadName);
                thread.setDaemon(true);
                return thread;
            });
        }
        return executor;
    }
}
