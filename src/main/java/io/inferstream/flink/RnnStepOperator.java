package io.inferstream.flink;

import io.inferstream.config.ForecastSettings;
import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnFeatureMapping;
import io.inferstream.inference.RnnStepper;
import io.inferstream.input.RejectReason;
import io.inferstream.input.RejectedInputException;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.PendingTick;
import io.inferstream.records.PendingTicks;
import io.inferstream.records.RnnKeyState;
import io.inferstream.records.TickInput;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps an RNN cell per key over its ticks in event-time order, with the key's hidden state in
 * Flink keyed state. Ticks wait in the {@link OrderingBuffer} until the watermark passes them;
 * when a watermark arrives, every key it released is stepped together: one ONNX Runtime call
 * covers up to {@code maxBatch} keys, and a key with several ready ticks steps them in order
 * across successive calls. All of that happens before the watermark is forwarded, so a
 * checkpoint never sees half-stepped keys. Each checkpoint writes the waiting ticks of every key
 * whose ticks changed into keyed state, so a restore, at any parallelism, continues every key
 * exactly where it was.
 *
 * <p>With live model updates the operator has a second, broadcast input: the control topic's
 * updates. A new cell is loaded in the background and swapped in between watermarks; keys keep
 * their hidden state when the shapes fit, and a key whose state was written for other shapes
 * (an update that asked for a reset) starts afresh the next time it steps.
 */
public class RnnStepOperator extends ModelServingOperator<TickInput, ForecastRecord>
        implements Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RnnStepOperator.class);

    private static final String RNN_STATE = "rnn-state";
    /** The ordering buffer's ticks, per key, as of the last checkpoint. */
    static final String PENDING_STATE = "pending-tick-list";
    /**
     * Pending ticks as versions before the {@link OrderingBuffer} kept them, one map entry and
     * one timer ({@link #LEGACY_TICK_TIMERS}) per tick; moved into the buffer on restore.
     */
    static final String LEGACY_PENDING_STATE = "pending-ticks";

    static final String LEGACY_TICK_TIMERS = "tick-order";

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS = new OutputTag<>("tick-dead-letters") {};
    /** The forecasts of anomalous ticks, again, for the alerts topic. */
    public static final OutputTag<ForecastRecord> ALERTS = new OutputTag<>("tick-alerts") {};

    private final String jobName;
    /** The contract the job was built for: the features the validation step checks. */
    private final RnnCellSpec spec;

    private final long ttlMs;
    private final boolean resetOnModelChange;
    private final ServedModel<RnnStepper> model;
    private final ForecastSettings forecast;

    private transient ValueState<RnnKeyState> keyState;
    private transient ValueState<PendingTicks> pendingState;
    private transient ListState<String> stateShapes;
    private transient InternalTimerService<VoidNamespace> expiryTimers;

    private transient boolean restored;
    private transient OrderingBuffer buffer;
    /** Keys whose pending ticks are in keyed state: written by a checkpoint, or restored. */
    private transient Set<String> storedPending;
    /** The last watermark this instance received; ticks at or before it are late. */
    private transient long watermark;

    private transient RnnStepper cell;
    /** The running cell's standardization, to refuse values it cannot take before they wait in state. */
    private transient RnnFeatureMapping mapping;
    /** Keys a watermark released or whose expiry is due, with their released ticks in order. */
    private transient Map<String, Released> readyKeys;

    private transient RnnBatchStepper batchStepper;
    private transient InferenceMetrics inferenceMetrics;
    private transient Counter modelChangeResets;
    private transient Counter ttlResets;
    /** Keys with state in this instance; written by the task thread only, read by the reporter. */
    private transient volatile long liveKeys;

    private transient DeadLetterMetrics deadLetterMetrics;
    private final DeadLetters deadLetters;

    /** The operator as jobs run it: serving the configured cell, replaceable by updates. */
    public RnnStepOperator(TickJobConfig config, RnnCellSpec spec) {
        this(config, spec, liveCell(config, spec));
    }

    /** The operator serving {@code cell}: {@link #liveCell}, or what a benchmark hands in. */
    public RnnStepOperator(TickJobConfig config, RnnCellSpec spec, ServedModel<RnnStepper> cell) {
        this.jobName = config.common.jobName;
        this.spec = spec;
        this.ttlMs = config.stateTtlMs;
        this.resetOnModelChange = config.resetStateOnModelChange;
        this.deadLetters = new DeadLetters(config.common);
        this.model = cell;
        this.forecast = config.forecast;
        // At build time, so that a model that cannot feed its forecasts back fails the start.
        HorizonSpread.forModel(forecast, spec);
    }

    /** The configured cell, replaced by the control topic's updates when the job takes them. */
    public static LiveModel<RnnStepper> liveCell(TickJobConfig config, RnnCellSpec spec) {
        return new LiveModel<>(
                config.common.jobName,
                config.modelPath,
                config.modelUpdates,
                new ModelLoaders.RnnCells(
                        spec,
                        config.modelOverrides,
                        config.maxBatchSize,
                        config.onnx,
                        config.forecast.explicitlyAsked));
    }

    @Override
    protected ServedModel<?> servedModel() {
        return model;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        stateShapes = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("rnn-state-shape", Types.STRING));
        // Restored by the superclass: the cell that was running when the state was written,
        // unless the configuration has changed since.
        restored = context.isRestored();
        cell = model.current();
        if (cell.spec().features != spec.features) {
            throw new IllegalStateException("model " + cell.spec().modelName + " takes " + cell.spec().features
                    + " features but the job was built for " + spec.features + "; expected the model checked at"
                    + " start-up");
        }
        if (context.isRestored()) {
            for (String restored : stateShapes.get()) {
                checkRestoredShape(restored);
            }
        }
    }

    /** Refuses state written for other state shapes, unless configured to reset every key. */
    private void checkRestoredShape(String restored) {
        RnnCellSpec spec = cell.spec();
        if (restored.equals(spec.stateShape())) {
            return;
        }
        if (!resetOnModelChange) {
            // Restarting cannot fix this: fail the job instead of restarting it forever.
            throw new SuppressRestartsException(
                    new IllegalStateException("restored hidden state has shape " + restored + " but model "
                            + spec.modelName + " v" + spec.modelVersion + " expects " + spec.stateShape()
                            + "; expected the same shapes, or set state.reset-on-model-change: true to start every key"
                            + " from the model's initial state"));
        }
        LOG.warn(
                "Restored hidden state has shape {} but model {} expects {}: every key starts again from the"
                        + " initial state (state.reset-on-model-change); the stateResets metric counts them",
                restored,
                spec.modelName,
                spec.stateShape());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        stateShapes.update(List.of(cell.spec().stateShape()));
        storePendingTicks();
    }

    /**
     * Writes the pending ticks of every key whose ticks changed since the last checkpoint, and
     * clears those of keys that have none left. Runs before the keyed state is snapshotted, in
     * the task thread, so the checkpoint holds exactly the buffer at the barrier.
     */
    private void storePendingTicks() throws Exception {
        Set<String> stored = new HashSet<>(buffer.keys().size() * 2);
        for (OrderingBuffer.KeyTicks k : buffer.keys()) {
            if (k.dirty) {
                setCurrentKey(k.key);
                pendingState.update(k.toState());
                k.dirty = false;
            }
            stored.add(k.key);
        }
        for (String key : storedPending) {
            if (!buffer.has(key)) {
                setCurrentKey(key);
                pendingState.clear();
            }
        }
        storedPending = stored;
    }

    /** Puts the restored pending ticks back into the buffer, those of older versions included. */
    private void restorePendingTicks() throws Exception {
        for (String key : keysOf(PENDING_STATE)) {
            setCurrentKey(key);
            buffer.restore(key, pendingState.value());
            storedPending.add(key);
        }
        MapState<Long, PendingTick> legacy = getPartitionedState(
                new MapStateDescriptor<>(LEGACY_PENDING_STATE, Types.LONG, TypeInformation.of(PendingTick.class)));
        for (String key : keysOf(LEGACY_PENDING_STATE)) {
            setCurrentKey(key);
            for (Map.Entry<Long, PendingTick> e : legacy.entries()) {
                buffer.add(key, e.getKey(), e.getValue());
            }
            legacy.clear();
        }
    }

    private List<String> keysOf(String state) {
        try (Stream<String> keys = this.<String>getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.toList();
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        keyState = getPartitionedState(new ValueStateDescriptor<>(RNN_STATE, TypeInformation.of(RnnKeyState.class)));
        pendingState =
                getPartitionedState(new ValueStateDescriptor<>(PENDING_STATE, TypeInformation.of(PendingTicks.class)));
        buffer = new OrderingBuffer();
        storedPending = new HashSet<>();
        watermark = Long.MIN_VALUE;
        if (restored) {
            restorePendingTicks();
        }
        // Older versions' tick timers fire into nothing: their ticks are in the buffer now.
        getInternalTimerService(LEGACY_TICK_TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        expiryTimers = getInternalTimerService("state-expiry", VoidNamespaceSerializer.INSTANCE, new ExpiryTrigger());
        readyKeys = new LinkedHashMap<>();
        inferenceMetrics = new InferenceMetrics(getMetricGroup());
        batchStepper =
                new RnnBatchStepper(cell, output, inferenceMetrics, HorizonSpread.forModel(forecast, cell.spec()));
        mapping = new RnnFeatureMapping(cell.spec());
        modelChangeResets = getRuntimeContext().getMetricGroup().counter(InferenceMetrics.STATE_RESETS);
        ttlResets = getRuntimeContext().getMetricGroup().counter(InferenceMetrics.TTL_RESETS);
        // Counted once here (a restore brings keys), then kept up as keys come and expire.
        try (Stream<?> keys = getKeyedStateBackend().getKeys(RNN_STATE, VoidNamespace.INSTANCE)) {
            liveKeys = keys.count();
        }
        getMetricGroup().gauge(InferenceMetrics.LIVE_KEYS, (Gauge<Long>) () -> liveKeys);
        deadLetterMetrics = new DeadLetterMetrics(getMetricGroup());
        openServedModel(model, (previous, next) -> {
            cell = next;
            batchStepper =
                    new RnnBatchStepper(next, output, inferenceMetrics, HorizonSpread.forModel(forecast, next.spec()));
            mapping = new RnnFeatureMapping(next.spec());
        });
    }

    /**
     * Per record only comparisons and an append to the buffer happen here: parsing and checks ran upstream,
     * where a failure rejects its tick alone. A failing state backend or ONNX call (in {@link
     * #stepReadyKeys}, one call for a batch of keys) concerns no single record and fails the job,
     * to be restored from the last checkpoint.
     */
    @Override
    public void processElement(StreamRecord<TickInput> element) throws Exception {
        TickInput tick = element.getValue();
        String outOfRange = mapping.outOfRange(tick.values);
        if (outOfRange != null) {
            reject(tick, RejectReason.OUT_OF_RANGE, outOfRange);
            return;
        }
        if (tick.ts <= watermark) {
            reject(
                    tick,
                    RejectReason.LATE,
                    "tick at " + tick.ts + " is " + (watermark - tick.ts + 1)
                            + " ms behind the watermark " + watermark
                            + "; ticks may arrive at most order.max-out-of-orderness-ms late");
            return;
        }
        if (!buffer.add(tick.key, tick.ts, new PendingTick(tick.id, tick.values))) {
            reject(tick, RejectReason.DUPLICATE_TIMESTAMP, "key '" + tick.key + "' already has a tick at " + tick.ts);
        }
    }

    private void reject(TickInput tick, RejectReason reason, String error) {
        deadLetterMetrics.count(reason.name());
        DeadLetterRecord dead = deadLetters.of(tick.raw, new RejectedInputException(reason, error));
        output.collect(DEAD_LETTERS, new StreamRecord<>(dead));
    }

    /** A timer of an older version's per-tick timers, restored with its tick: the buffer releases that tick. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // Release this watermark's ticks and fire its expiry timers (both only mark keys ready),
        // step all ready keys in batches, and only then forward the watermark: no output is
        // ever behind it.
        model.poll();
        watermark = mark.getTimestamp();
        if (timeServiceManager != null) {
            timeServiceManager.advanceWatermark(mark);
        }
        buffer.release(watermark, (key, timestamps, ticks) -> readyKeys.put(key, new Released(timestamps, ticks)));
        stepReadyKeys(watermark);
        output.emitWatermark(mark);
    }

    private void stepReadyKeys(long watermark) throws Exception {
        if (readyKeys.isEmpty()) {
            return;
        }
        List<KeyWork> work = new ArrayList<>(readyKeys.size());
        for (Map.Entry<String, Released> ready : readyKeys.entrySet()) {
            setCurrentKey(ready.getKey());
            KeyWork w = load(ready.getKey(), ready.getValue(), watermark);
            if (w != null) {
                work.add(w);
            }
        }
        readyKeys.clear();
        batchStepper.stepAll(work, cell.spec(), ttlMs, ttlResets);
        for (KeyWork w : work) {
            setCurrentKey(w.key);
            store(w);
        }
    }

    /** The key's state and released ticks, or null when it has none and was only expiring. */
    private KeyWork load(String key, Released released, long watermark) throws Exception {
        RnnKeyState state = keyState.value();
        boolean isNew = state == null;
        if (released.ticks.isEmpty()) {
            if (state != null && ttlMs > 0 && state.lastEventTime + ttlMs <= watermark) {
                // Idle past the time-to-live: any later tick would start afresh, so free the state now.
                keyState.clear();
                liveKeys--;
            }
            return null;
        }
        RnnCellSpec spec = cell.spec();
        if (state != null && !RnnKeyState.fits(state, spec)) {
            // Written for other state shapes: a restore with state.reset-on-model-change or an
            // update that asked for a reset let the job start; a refused change never gets here.
            modelChangeResets.inc();
            state = null;
        }
        if (state != null) {
            state.shape = spec.stateShapeId();
        }
        long previousLast = state == null ? Long.MIN_VALUE : state.lastEventTime;
        return new KeyWork(
                key,
                state == null ? RnnKeyState.initial(spec) : state,
                released.timestamps,
                released.ticks,
                previousLast,
                isNew);
    }

    private void store(KeyWork w) throws Exception {
        keyState.update(w.state);
        if (w.isNew) {
            liveKeys++;
        }
        if (ttlMs > 0) {
            if (w.previousLastEventTime != Long.MIN_VALUE) {
                expiryTimers.deleteEventTimeTimer(VoidNamespace.INSTANCE, w.previousLastEventTime + ttlMs);
            }
            expiryTimers.registerEventTimeTimer(VoidNamespace.INSTANCE, w.state.lastEventTime + ttlMs);
        }
    }

    /** A key's ticks released by a watermark, in event-time order; none for a key only expiring. */
    private record Released(List<Long> timestamps, List<PendingTick> ticks) {
        static final Released NONE = new Released(List.of(), List.of());
    }

    /** An expiry timer only marks its key for the check in {@link #load}; it releases no tick. */
    private final class ExpiryTrigger implements Triggerable<String, VoidNamespace> {
        @Override
        public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
            readyKeys.putIfAbsent(timer.getKey(), Released.NONE);
        }

        @Override
        public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
    }
}
