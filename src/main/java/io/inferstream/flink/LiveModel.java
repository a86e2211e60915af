package io.inferstream.flink;

import io.inferstream.config.ModelUpdateSettings;
import io.inferstream.records.ModelStatusRecord;
import io.inferstream.records.ModelUpdateRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model one operator instance serves, replaceable while the job runs. Updates arrive from
 * the control topic on every instance (broadcast); each is checked against the allowed
 * locations, loaded and validated on a background thread ({@link ModelLoadQueue}), and swapped
 * in by {@link #poll} in the task thread, between batches. A refused update leaves the running
 * model in place and is reported on the status side output.
 *
 * <p>The model in use, and updates received but not yet swapped in, are operator state ({@link
 * LiveModelState}): a restore resumes with the model that was running, not with the one the
 * configuration names, unless the configuration was changed to name another model since the job
 * was started.
 */
public final class LiveModel<M extends AutoCloseable> implements ServedModel<M> {
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

    private final String jobName;
    private final String configuredLocation;
    private final ModelUpdateSettings settings;
    private final Loader<M> loader;

    private transient M current;
    private transient String currentLocation;
    private transient String currentVersionOverride;
    private transient String version;
    private transient List<ModelUpdateRecord> restoredPending;
    private transient ModelLoadQueue<M> loads;
    private transient LiveModelState state;
    private transient int subtask;
    private transient Consumer<ModelStatusRecord> status;
    private transient SwapListener<M> listener;
    private transient ProcessingTimeService time;
    private transient boolean pollScheduled;
    private transient LiveModelMetrics metrics;

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
    @Override
    public void initializeState(OperatorStateStore store, boolean restored, int subtaskIndex) throws Exception {
        subtask = subtaskIndex;
        state = LiveModelState.register(store);
        loads = new ModelLoadQueue<>("model loader (" + jobName + " " + subtask + ")");
        restoredPending = new ArrayList<>();
        String location = configuredLocation;
        String restoredVersion = null;
        if (restored) {
            List<LiveModelEntry> mine = state.restore(subtaskIndex);
            LiveModelEntry running = mine.isEmpty() ? null : mine.get(0);
            if (running != null && running.configured.equals(configuredLocation)) {
                location = running.location;
                restoredVersion = running.version;
                for (LiveModelEntry later : mine.subList(1, mine.size())) {
                    restoredPending.add(
                            new ModelUpdateRecord(jobName, later.location, later.version, later.resetState));
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
        current = loadAtStart(location, restoredVersion);
        currentLocation = location;
        currentVersionOverride = restoredVersion;
        version = loader.version(current);
    }

    /** The configured model, or one an update brought in, under the limit of its time. */
    private M loadAtStart(String location, String restoredVersion) {
        try {
            return loader.load(location, restoredVersion, ModelFiles.MAX_BYTES, "the most an ONNX model can have");
        } catch (RuntimeException e) {
            if (location.equals(configuredLocation)) {
                throw e;
            }
            throw new IllegalStateException(
                    "the restored job was serving model " + location + " version " + restoredVersion
                            + " (from the control topic) and cannot load it again: " + e.getMessage()
                            + "; expected it to stay readable, or restore with model.path naming another model"
                            + " to start from the configuration's model",
                    e);
        }
    }

    /**
     * Registers metrics and the status output, and takes up updates a restore left pending; the
     * listener (may be null) hears of every swap.
     */
    @Override
    public void open(
            MetricGroup group,
            ProcessingTimeService processingTime,
            Consumer<ModelStatusRecord> statusOutput,
            SwapListener<M> swapListener) {
        time = processingTime;
        status = statusOutput;
        listener = swapListener;
        metrics = new LiveModelMetrics(group, version);
        for (ModelUpdateRecord update : restoredPending) {
            offer(update);
        }
        restoredPending.clear();
    }

    @Override
    public M current() {
        return current;
    }

    /** The version predictions carry now. */
    public String version() {
        return version;
    }

    /** Takes an update from the control topic: ignores other jobs', refuses what it must, loads the rest. */
    @Override
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
        LOG.info("Loading {} next to the running version {}", update, version);
        loads.submit(
                update, () -> loader.load(update.uri, update.version, settings.maxBytes, "model-updates.max-bytes"));
        schedulePoll();
    }

    /** Swaps in every finished load, in the order the updates came; call it between batches only. */
    @Override
    public void poll() {
        for (ModelLoadQueue.Loaded<M> done = loads.takeFinished(); done != null; done = loads.takeFinished()) {
            if (done.failure() != null) {
                refuse(done.update(), "cannot load it: " + done.failure().getMessage());
                continue;
            }
            M candidate = done.model();
            String why = loader.refusal(current, candidate, done.update());
            if (why != null) {
                ModelLoadQueue.closeQuietly(candidate);
                refuse(done.update(), why);
                continue;
            }
            swap(candidate, done.update());
        }
    }

    private void swap(M candidate, ModelUpdateRecord update) {
        M previous = current;
        String previousVersion = version;
        current = candidate;
        currentLocation = update.uri;
        currentVersionOverride = update.version;
        version = loader.version(candidate);
        if (listener != null) {
            listener.swapped(previous, candidate);
        }
        ModelLoadQueue.closeQuietly(previous);
        metrics.accepted(version);
        LOG.info("Now serving {} version {} (was {})", currentLocation, version, previousVersion);
        status.accept(ModelStatusRecord.of(jobName, subtask, ModelStatusRecord.ACCEPTED, update, version, null));
    }

    @Override
    public void snapshotState() throws Exception {
        List<LiveModelEntry> entries = new ArrayList<>();
        entries.add(new LiveModelEntry(subtask, configuredLocation, currentLocation, currentVersionOverride, false));
        for (ModelUpdateRecord update : loads.updates()) {
            entries.add(new LiveModelEntry(subtask, configuredLocation, update.uri, update.version, update.resetState));
        }
        state.write(entries);
    }

    @Override
    public void close() {
        if (loads != null) {
            loads.close();
        }
        if (current != null) {
            ModelLoadQueue.closeQuietly(current);
            current = null;
        }
    }

    private void refuse(ModelUpdateRecord update, String reason) {
        metrics.refused();
        LOG.warn("Refused {}: {}; still serving version {}", update, reason, version);
        status.accept(ModelStatusRecord.of(jobName, subtask, ModelStatusRecord.REFUSED, update, version, reason));
    }

    private void schedulePoll() {
        if (pollScheduled || loads.isEmpty() || time == null) {
            return;
        }
        pollScheduled = true;
        time.registerTimer(time.getCurrentProcessingTime() + POLL_MS, t -> {
            pollScheduled = false;
            poll();
            schedulePoll();
        });
    }
}
