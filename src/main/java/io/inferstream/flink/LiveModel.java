package io.inferstream.flink;

import io.inferstream.config.ModelUpdateSettings;
import io.inferstream.records.ModelStatusRecord;
import io.inferstream.records.ModelUpdateRecord;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model one operator instance serves, replaceable while the job runs. Updates arrive from
 * the control topic on every instance (broadcast); each is checked against the allowed
 * locations, loaded and validated on a background thread, and swapped in by {@link #poll} in
 * the task thread, between batches. A refused update leaves the running model in place and is
 * reported on the status side output.
 *
 * <p>The model in use, and updates received but not yet swapped in, are operator state: a
 * restore resumes with the model that was running, not with the one the configuration names,
 * unless the configuration was changed to name another model since the job was started.
 */
public final class LiveModel<M extends AutoCloseable> implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LiveModel.class);

    public static final OutputTag<ModelStatusRecord> STATUS = new OutputTag<>("model-status") {};
    /** How often the task thread looks for a finished load while one is under way. */
    static final long POLL_MS = 20;

    /** How an operator loads and vets its kind of model. */
    public interface Loader<M> extends Serializable {
        /**
         * Loads the model, of at most {@code maxBytes}, and checks its contract; a null version
         * keeps the model's own.
         */
        M load(String location, String version, long maxBytes, String limit);

        /** The version its predictions carry. */
        String version(M model);

        /** Why {@code candidate} may not replace {@code current}, naming what was expected; null if it may. */
        String refusal(M current, M candidate, ModelUpdateRecord update);
    }

    /** Told of every swap in the task thread, before the previous model is closed. */
    public interface SwapListener<M> {
        void swapped(M previous, M next);
    }

    private final String jobName;
    private final String configuredLocation;
    private final ModelUpdateSettings settings;
    private final Loader<M> loader;

    private transient M current;
    private transient String currentLocation;
    private transient String currentVersionOverride;
    private transient ArrayDeque<PendingLoad<M>> pending;
    private transient List<ModelUpdateRecord> restoredPending;
    private transient ExecutorService executor;
    private transient ListState<String> state;
    private transient int subtask;
    private transient Consumer<ModelStatusRecord> status;
    private transient SwapListener<M> listener;
    private transient ProcessingTimeService time;
    private transient boolean pollScheduled;
    private transient MetricGroup metrics;
    private transient Set<String> versionsRegistered;
    private transient Counter accepted;
    private transient Counter refused;
    /** Read by the metric reporter thread. */
    private transient volatile String activeVersion;

    public LiveModel(String jobName, String configuredLocation, ModelUpdateSettings settings, Loader<M> loader) {
        this.jobName = jobName;
        this.configuredLocation = configuredLocation;
        this.settings = settings;
        this.loader = loader;
    }

    /**
     * Restores which model was in use (or takes the configured one) and loads it, in the task
     * thread: the operator does not start without a model.
     */
    public void initializeState(OperatorStateStore store, boolean restored, int subtaskIndex) throws Exception {
        subtask = subtaskIndex;
        state = store.getUnionListState(new ListStateDescriptor<>("live-model", Types.STRING));
        pending = new ArrayDeque<>();
        restoredPending = new ArrayList<>();
        String location = configuredLocation;
        String version = null;
        if (restored) {
            List<Entry> mine = Entry.chooseFor(subtaskIndex, state.get());
            Entry running = mine.isEmpty() ? null : mine.get(0);
            if (running != null && running.configured.equals(configuredLocation)) {
                location = running.location;
                version = running.version;
                for (Entry later : mine.subList(1, mine.size())) {
                    restoredPending.add(new ModelUpdateRecord(jobName, later.location, later.version, later.reset));
                }
            } else if (running != null) {
                LOG.info(
                        "The configuration names model {}, the restored job was started with {}: the configuration"
                                + " wins over the model that was running ({}, version {})",
                        configuredLocation,
                        running.configured,
                        running.location,
                        running.version);
            }
        }
        try {
            // The configured model, or one an update brought in under the limit of its time.
            current = loader.load(location, version, ModelFiles.MAX_BYTES, "the most an ONNX model can have");
        } catch (RuntimeException e) {
            if (location.equals(configuredLocation)) {
                throw e;
            }
            throw new IllegalStateException(
                    "the restored job was serving model " + location + " version " + version
                            + " (from the control topic) and cannot load it again: " + e.getMessage()
                            + "; expected it to stay readable, or restore with model.path naming another model"
                            + " to start from the configuration's model",
                    e);
        }
        currentLocation = location;
        currentVersionOverride = version;
        activeVersion = loader.version(current);
    }

    /**
     * Registers metrics and the status output, and takes up updates a restore left pending; the
     * listener (may be null) hears of every swap.
     */
    public void open(
            MetricGroup group,
            ProcessingTimeService processingTime,
            Consumer<ModelStatusRecord> statusOutput,
            SwapListener<M> swapListener) {
        metrics = group;
        time = processingTime;
        status = statusOutput;
        listener = swapListener;
        versionsRegistered = new HashSet<>();
        accepted = group.counter(InferenceMetrics.MODEL_UPDATES_ACCEPTED);
        refused = group.counter(InferenceMetrics.MODEL_UPDATES_REFUSED);
        registerVersion(version());
        for (ModelUpdateRecord update : restoredPending) {
            offer(update);
        }
        restoredPending.clear();
    }

    public M current() {
        return current;
    }

    /** The version predictions carry now. */
    public String version() {
        return activeVersion;
    }

    /** Takes an update from the control topic: ignores other jobs', refuses what it must, loads the rest. */
    public void offer(ModelUpdateRecord update) {
        if (update.error != null && (update.job == null || jobName.equals(update.job))) {
            // Refused by every job when it names none, else by the job it names only.
            refuse(update, update.error);
            return;
        }
        if (!jobName.equals(update.job)) {
            LOG.debug("Ignoring {}: this job is {}", update, jobName);
            return;
        }
        String outside = settings.refusal(update.uri);
        if (outside != null) {
            refuse(update, outside);
            return;
        }
        LOG.info("Loading {} next to the running version {}", update, version());
        pending.add(new PendingLoad<>(
                update,
                executor()
                        .submit(() -> loader.load(
                                update.uri, update.version, settings.maxBytes, "model-updates.max-bytes"))));
        schedulePoll();
    }

    /** Swaps in every finished load, in the order the updates came; call it between batches only. */
    public void poll() {
        while (!pending.isEmpty() && pending.peek().future.isDone()) {
            PendingLoad<M> done = pending.poll();
            M candidate;
            try {
                candidate = done.future.get();
            } catch (ExecutionException e) {
                refuse(done.update, "cannot load it: " + e.getCause().getMessage());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String why = loader.refusal(current, candidate, done.update);
            if (why != null) {
                closeQuietly(candidate);
                refuse(done.update, why);
                continue;
            }
            M previous = current;
            String previousVersion = activeVersion;
            current = candidate;
            currentLocation = done.update.uri;
            currentVersionOverride = done.update.version;
            activeVersion = loader.version(candidate);
            if (listener != null) {
                listener.swapped(previous, candidate);
            }
            closeQuietly(previous);
            registerVersion(version());
            accepted.inc();
            LOG.info("Now serving {} version {} (was {})", currentLocation, version(), previousVersion);
            status.accept(
                    ModelStatusRecord.of(jobName, subtask, ModelStatusRecord.ACCEPTED, done.update, version(), null));
        }
    }

    public void snapshotState() throws Exception {
        List<String> entries = new ArrayList<>();
        entries.add(new Entry(subtask, configuredLocation, currentLocation, currentVersionOverride, false).encode());
        for (PendingLoad<M> load : pending) {
            entries.add(
                    new Entry(subtask, configuredLocation, load.update.uri, load.update.version, load.update.resetState)
                            .encode());
        }
        state.update(entries);
    }

    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pending != null) {
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
        if (current != null) {
            closeQuietly(current);
            current = null;
        }
    }

    private void refuse(ModelUpdateRecord update, String reason) {
        refused.inc();
        LOG.warn("Refused {}: {}; still serving version {}", update, reason, version());
        status.accept(ModelStatusRecord.of(jobName, subtask, ModelStatusRecord.REFUSED, update, version(), reason));
    }

    private void schedulePoll() {
        if (pollScheduled || pending.isEmpty() || time == null) {
            return;
        }
        pollScheduled = true;
        time.registerTimer(time.getCurrentProcessingTime() + POLL_MS, t -> {
            pollScheduled = false;
            poll();
            schedulePoll();
        });
    }

    private ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "model loader (" + jobName + " " + subtask + ")");
                thread.setDaemon(true);
                return thread;
            });
        }
        return executor;
    }

    /** One series per version: model_version="2" active = 1 while that version serves, 0 after. */
    private void registerVersion(String version) {
        if (metrics != null && versionsRegistered.add(version)) {
            metrics.addGroup(InferenceMetrics.MODEL_VERSION_GROUP, version)
                    .gauge(InferenceMetrics.MODEL_VERSION_ACTIVE, (Gauge<Integer>)
                            () -> version.equals(activeVersion) ? 1 : 0);
        }
    }

    private static void closeQuietly(AutoCloseable model) {
        try {
            model.close();
        } catch (Exception e) {
            LOG.warn("Closing a replaced model failed", e);
        }
    }

    private record PendingLoad<M>(ModelUpdateRecord update, Future<M> future) {}

    /**
     * One line of the union state: which subtask, the configured model it started from, and a
     * model location with the version it was given (the first line of a subtask is the model in
     * use, later ones are updates still loading).
     */
    record Entry(int subtask, String configured, String location, String version, boolean reset) {
        String encode() {
            return subtask + "\t" + configured + "\t" + location + "\t" + (version == null ? "" : version) + "\t"
                    + reset;
        }

        static Entry decode(String line) {
            String[] f = line.split("\t", -1);
            return new Entry(
                    Integer.parseInt(f[0]), f[1], f[2], f[3].isEmpty() ? null : f[3], Boolean.parseBoolean(f[4]));
        }

        /** The entries of this subtask, or of the lowest restored subtask when it has none (rescaling up). */
        static List<Entry> chooseFor(int subtask, Iterable<String> lines) {
            List<Entry> all = new ArrayList<>();
            for (String line : lines) {
                all.add(decode(line));
            }
            int chosen = Integer.MAX_VALUE;
            for (Entry e : all) {
                if (e.subtask == subtask) {
                    chosen = subtask;
                    break;
                }
                chosen = Math.min(chosen, e.subtask);
            }
            List<Entry> mine = new ArrayList<>();
            for (Entry e : all) {
                if (e.subtask == chosen) {
                    mine.add(e);
                }
            }
            return mine;
        }
    }
}
