package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnStepper;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.PendingTick;
import io.inferstream.records.TickInput;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.TinyRnnCell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the in-memory ordering buffer makes subtle: ticks pending across checkpoints (restored
 * from any checkpoint, at any parallelism, as if never interrupted), many ticks of one key in one
 * watermark, releases after a restore, and state written by versions that kept one timer per tick.
 */
class RnnStepOperatorBufferTest {
    private static final int MAX_PARALLELISM = 128;

    @TempDir
    Path dir;

    private final TinyRnnCell tiny = new TinyRnnCell(3);
    private TickJobConfig config;
    private RnnCellSpec spec;

    @BeforeEach
    void writeModel() throws Exception {
        Path model = tiny.write(dir, "tiny", Map.of());
        config = TickJobConfig.from(JobConfigs.offline(model).toMap());
        spec = OnnxRnnCell.inspect(config.modelFile(), config.modelOverrides);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> harness(
            RnnStepOperator operator, int parallelism, int subtask, OperatorSubtaskState restoreFrom) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                operator, (TickInput t) -> t.key, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        return harness(new RnnStepOperator(config, spec), 1, 0, restoreFrom);
    }

    /** A tick or a watermark, in the order the operator receives them. */
    private record Event(TickInput tick, long watermark) {
        static Event tick(String key, long ts, double value) {
            return new Event(RnnStepOperatorTest.tick(key, ts, value), 0);
        }

        static Event watermark(long ts) {
            return new Event(null, ts);
        }

        void sendTo(KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> h) throws Exception {
            if (tick != null) {
                h.processElement(new StreamRecord<>(tick, tick.ts));
            } else {
                h.processWatermark(new Watermark(watermark));
            }
        }
    }

    /**
     * Three keys over 40 event-time steps, each key's ticks up to 5 steps out of order, with a
     * watermark every 4 steps that trails the newest tick by 5: ticks wait across watermarks, and
     * across any checkpoint between two events.
     */
    private static List<Event> outOfOrderStream() {
        Random random = new Random(11);
        List<Event> events = new ArrayList<>();
        for (int block = 0; block < 8; block++) {
            List<Event> ticks = new ArrayList<>();
            for (int step = block * 5 + 1; step <= block * 5 + 5; step++) {
                for (String key : List.of("a", "b", "c")) {
                    ticks.add(Event.tick(key, step * 10L + key.charAt(0) % 3, Math.sin(step + key.charAt(0))));
                }
            }
            Collections.shuffle(ticks, random);
            events.addAll(ticks);
            events.add(Event.watermark(block * 50L));
        }
        events.add(Event.watermark(Long.MAX_VALUE));
        return events;
    }

    private static Map<String, List<String>> byKey(List<ForecastRecord> out) {
        return out.stream()
                .collect(Collectors.groupingBy(
                        f -> f.key,
                        LinkedHashMap::new,
                        Collectors.mapping(
                                f -> f.step + "@" + f.eventTime + " " + f.id + " " + f.outputs[0],
                                Collectors.toList())));
    }

    private static void assertOutputs(List<ForecastRecord> forecasts, List<Double> expected) {
        assertThat(forecasts).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(forecasts.get(i).outputs[0]).isCloseTo(expected.get(i), within(1e-5));
        }
    }

    private List<ForecastRecord> uninterrupted(List<Event> events) throws Exception {
        try (var h = harness(null)) {
            for (Event e : events) {
                e.sendTo(h);
            }
            return h.extractOutputValues();
        }
    }

    @Test
    void shouldContinueFromEveryCheckpointWithTicksPendingAsIfNeverInterrupted() throws Exception {
        List<Event> events = outOfOrderStream();
        Map<String, List<String>> expected = byKey(uninterrupted(events));
        assertThat(expected.values()).allSatisfy(steps -> assertThat(steps).hasSize(40));

        // One run checkpointing after many events; a failover restores one checkpoint and replays
        // what came after it, as the Kafka source rewinds to the checkpoint's offsets.
        Map<Integer, OperatorSubtaskState> checkpoints = new LinkedHashMap<>();
        Map<Integer, Integer> emittedBefore = new LinkedHashMap<>();
        List<ForecastRecord> checkpointed;
        try (var h = harness(null)) {
            for (int i = 0; i < events.size(); i++) {
                if (i % 7 == 3) {
                    checkpoints.put(i, h.snapshot(i, i));
                    emittedBefore.put(i, h.extractOutputValues().size());
                }
                events.get(i).sendTo(h);
            }
            checkpointed = h.extractOutputValues();
        }
        assertThat(byKey(checkpointed)).isEqualTo(expected);

        for (Map.Entry<Integer, OperatorSubtaskState> checkpoint : checkpoints.entrySet()) {
            int at = checkpoint.getKey();
            List<ForecastRecord> recovered = new ArrayList<>(checkpointed.subList(0, emittedBefore.get(at)));
            try (var h = harness(checkpoint.getValue())) {
                for (Event e : events.subList(at, events.size())) {
                    e.sendTo(h);
                }
                recovered.addAll(h.extractOutputValues());
            }
            assertThat(byKey(recovered))
                    .as("restored from the checkpoint before event " + at)
                    .isEqualTo(expected);
        }
    }

    @Test
    void shouldReleaseRestoredTicksAtTheFirstWatermarkAfterRestoreAndNotAgainLater() throws Exception {
        OperatorSubtaskState withPending;
        try (var h = harness(null)) {
            Event.tick("a", 10, 0.1).sendTo(h);
            Event.tick("b", 30, 0.3).sendTo(h);
            Event.tick("a", 20, 0.2).sendTo(h);
            h.processWatermark(new Watermark(5));
            withPending = h.snapshot(1L, 1L);
            assertThat(h.extractOutputValues()).isEmpty();
        }

        OperatorSubtaskState released;
        try (var h = harness(withPending)) {
            h.processWatermark(new Watermark(20)); // no tick arrived since the restore
            assertThat(h.extractOutputValues())
                    .extracting(f -> f.key + f.eventTime)
                    .containsExactly("a10", "a20");
            assertOutputs(h.extractOutputValues(), tiny.run(List.of(0.1, 0.2)));
            released = h.snapshot(2L, 2L);
            h.processWatermark(new Watermark(30));
            assertThat(h.extractOutputValues())
                    .extracting(f -> f.key + f.eventTime)
                    .endsWith("b30");
        }

        // The second checkpoint no longer holds a's released ticks, only b's.
        try (var h = harness(released)) {
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(h.extractOutputValues())
                    .extracting(f -> f.key + "/" + f.step + "@" + f.eventTime)
                    .containsExactly("b/1@30");
        }
    }

    @Test
    void shouldDeadLetterDuplicatesOfRestoredTicksAndTicksBehindTheFirstWatermarkAfterRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            Event.tick("a", 10, 0.1).sendTo(h);
            Event.tick("a", 30, 0.3).sendTo(h);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(snapshot)) {
            Event.tick("a", 30, 9.9).sendTo(h); // pending in the checkpoint
            Event.tick("a", 20, 0.2).sendTo(h); // between two restored ticks
            h.processWatermark(new Watermark(25));
            Event.tick("a", 25, 9.9).sendTo(h); // at the watermark
            h.processWatermark(new Watermark(40));

            assertThat(h.extractOutputValues()).extracting(f -> f.eventTime).containsExactly(10L, 20L, 30L);
            assertOutputs(h.extractOutputValues(), tiny.run(List.of(0.1, 0.2, 0.3)));
            List<DeadLetterRecord> dead = new ArrayList<>();
            h.getSideOutput(RnnStepOperator.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
            assertThat(dead).extracting(d -> d.reason).containsExactly("DUPLICATE_TIMESTAMP", "LATE");
            assertThat(dead.get(0).error).contains("key 'a' already has a tick at 30");
        }
    }

    /** Rows of every ONNX call, across the operator instances of a test. */
    private static final List<Integer> CALL_ROWS = new CopyOnWriteArrayList<>();

    /** The tiny cell, recording the rows of each call. */
    private static final class RecordingCell implements RnnStepper {
        private final OnnxRnnCell cell;

        RecordingCell(String model, int maxBatch) {
            this.cell = OnnxRnnCell.load(Path.of(model), Map.of(), maxBatch, OnnxOptions.cpu(1));
        }

        @Override
        public RnnCellSpec spec() {
            return cell.spec();
        }

        @Override
        public int maxBatch() {
            return cell.maxBatch();
        }

        @Override
        public void step(int n, float[] input, float[] state, float[] output, float[] nextState) {
            CALL_ROWS.add(n);
            cell.step(n, input, state, output, nextState);
        }

        @Override
        public void close() {
            cell.close();
        }
    }

    @Test
    void shouldStepManyTicksOfOneKeyFromOneWatermarkInOrderWhileBatchingTheOtherKeys() throws Exception {
        CALL_ROWS.clear();
        String model = config.modelPath;
        RnnStepOperator operator = new RnnStepOperator(
                config, spec, new FixedModel<RnnStepper>("tiny, recorded", () -> new RecordingCell(model, 256)));
        List<Long> times = new ArrayList<>();
        for (long ts = 1; ts <= 300; ts++) {
            times.add(ts);
        }
        Collections.shuffle(times, new Random(3));
        try (var h = harness(operator, 1, 0, null)) {
            for (long ts : times) {
                Event.tick("many", ts, Math.cos(ts)).sendTo(h);
                if (ts <= 3) {
                    for (int k = 0; k < 10; k++) {
                        Event.tick("k" + k, ts, k * 0.1 + ts).sendTo(h);
                    }
                }
            }
            h.processWatermark(new Watermark(300));

            Map<String, List<ForecastRecord>> out = h.extractOutputValues().stream()
                    .collect(Collectors.groupingBy(f -> f.key, LinkedHashMap::new, Collectors.toList()));
            List<Double> sequence = new ArrayList<>();
            for (long ts = 1; ts <= 300; ts++) {
                sequence.add(Math.cos(ts));
            }
            List<Double> expected = tiny.run(sequence);
            List<ForecastRecord> many = out.get("many");
            assertThat(many).hasSize(300);
            for (int i = 0; i < 300; i++) {
                assertThat(many.get(i).eventTime).isEqualTo(i + 1);
                assertThat(many.get(i).step).isEqualTo(i + 1);
                assertThat(many.get(i).outputs[0]).isCloseTo(expected.get(i), within(1e-5));
            }
            for (int k = 0; k < 10; k++) {
                assertThat(out.get("k" + k)).extracting(f -> f.eventTime).containsExactly(1L, 2L, 3L);
            }
        }
        // Round r steps every key's r-th tick in one call: 11 keys thrice, then the one key alone.
        assertThat(CALL_ROWS).hasSize(300);
        assertThat(CALL_ROWS.subList(0, 3)).containsOnly(11);
        assertThat(CALL_ROWS.subList(3, 300)).containsOnly(1);
    }

    @Test
    void shouldSplitPendingTicksByKeyGroupWhenRescaledFrom1To2AndBack() throws Exception {
        List<Event> events = new ArrayList<>();
        for (int step = 1; step <= 6; step++) {
            for (int k = 0; k < 40; k++) {
                events.add(Event.tick("key-" + k, step * 10L, Math.sin(k + step)));
            }
            if (step == 2) {
                events.add(Event.watermark(10));
            }
        }
        int beforeSnapshot = events.size() - 80; // steps 5 and 6 arrive after the rescale
        List<Event> afterSnapshot = new ArrayList<>(events.subList(beforeSnapshot, events.size()));
        afterSnapshot.add(Event.watermark(40));
        events.add(Event.watermark(40));
        List<Event> tail = List.of(Event.watermark(Long.MAX_VALUE));
        List<Event> all = new ArrayList<>(events);
        all.addAll(tail);
        Map<String, List<String>> expected = byKey(uninterrupted(all));

        List<ForecastRecord> out = new ArrayList<>();
        OperatorSubtaskState atParallelism1;
        try (var h = harness(null)) {
            for (Event e : events.subList(0, beforeSnapshot)) {
                e.sendTo(h);
            }
            out.addAll(h.extractOutputValues()); // step 1; steps 2 to 4 pending
            atParallelism1 = h.snapshot(1L, 1L);
        }

        OperatorSubtaskState[] atParallelism2 = new OperatorSubtaskState[2];
        Set<String> keysOfSubtask0 = new HashSet<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState share = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    atParallelism1, MAX_PARALLELISM, 1, 2, subtask);
            try (var h = harness(new RnnStepOperator(config, spec), 2, subtask, share)) {
                for (Event e : afterSnapshot) {
                    if (e.tick == null || owns(subtask, e.tick.key)) {
                        e.sendTo(h);
                    }
                }
                List<ForecastRecord> released = h.extractOutputValues();
                // Steps 2 to 4 were pending at the rescale: each key's come out of its new owner.
                int owner = subtask;
                assertThat(released).isNotEmpty().allSatisfy(f -> assertThat(owns(owner, f.key))
                        .isTrue());
                if (subtask == 0) {
                    released.forEach(f -> keysOfSubtask0.add(f.key));
                }
                out.addAll(released);
                atParallelism2[subtask] = h.snapshot(2L, 2L);
            }
        }
        assertThat(keysOfSubtask0).isNotEmpty().hasSizeLessThan(40);

        // And back to one instance: steps 5 and 6, pending in two checkpoints, come out of one.
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                AbstractStreamOperatorTestHarness.repackageState(atParallelism2), MAX_PARALLELISM, 2, 1, 0);
        try (var h = harness(merged)) {
            for (Event e : tail) {
                e.sendTo(h);
            }
            out.addAll(h.extractOutputValues());
        }
        assertThat(byKey(out)).isEqualTo(expected);
    }

    /** Whether instance {@code subtask} of two owns the key. */
    private static boolean owns(int subtask, String key) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, 2) == subtask;
    }

    /** Writes pending ticks as versions before the ordering buffer did: a map entry and a timer per tick. */
    private static final class LegacyPendingTicks extends AbstractStreamOperator<Void>
            implements OneInputStreamOperator<TickInput, Void>, Triggerable<String, VoidNamespace> {
        private transient MapState<Long, PendingTick> pending;
        private transient InternalTimerService<VoidNamespace> timers;

        @Override
        public void open() throws Exception {
            super.open();
            pending = getPartitionedState(new MapStateDescriptor<>(
                    RnnStepOperator.LEGACY_PENDING_STATE, Types.LONG, TypeInformation.of(PendingTick.class)));
            timers =
                    getInternalTimerService(RnnStepOperator.LEGACY_TICK_TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        }

        @Override
        public void processElement(StreamRecord<TickInput> element) throws Exception {
            TickInput tick = element.getValue();
            pending.put(tick.ts, new PendingTick(tick.id, tick.values));
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, tick.ts);
        }

        @Override
        public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

        @Override
        public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
    }

    @Test
    void shouldTakeOverTicksPendingInStateOfTheVersionWithATimerPerTick() throws Exception {
        List<Event> ticks = List.of(
                Event.tick("a", 20, 0.2),
                Event.tick("b", 15, -0.5),
                Event.tick("a", 10, 0.1),
                Event.tick("a", 30, 0.3));
        OperatorSubtaskState legacy;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new LegacyPendingTicks(), (TickInput t) -> t.key, Types.STRING, MAX_PARALLELISM, 1, 0)) {
            h.open();
            for (Event e : ticks) {
                h.processElement(new StreamRecord<>(e.tick, e.tick.ts));
            }
            assertThat(h.numEventTimeTimers()).isEqualTo(4);
            legacy = h.snapshot(1L, 1L);
        }

        try (var h = harness(legacy)) {
            Event.tick("a", 20, 9.9).sendTo(h); // still a duplicate
            h.processWatermark(new Watermark(20));
            assertThat(h.extractOutputValues())
                    .extracting(f -> f.key + f.eventTime)
                    .containsExactly("a10", "b15", "a20");
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertOutputs(
                    h.extractOutputValues().stream()
                            .filter(f -> f.key.equals("a"))
                            .toList(),
                    tiny.run(List.of(0.1, 0.2, 0.3)));
            // The old timers fired into nothing, and the old map is empty.
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isEqualTo(2); // a's and b's hidden state
        }
    }
}
