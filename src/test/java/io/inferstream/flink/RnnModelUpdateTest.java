package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.ModelStatusRecord;
import io.inferstream.records.ModelUpdateRecord;
import io.inferstream.records.TickInput;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.TinyRnnCell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live model updates on the RNN operator, with Flink's keyed two-input harness: the control
 * input swaps the cell between watermarks, keys keep or reset their state, refusals leave the
 * running cell in place, and a restore serves the model that was running.
 */
class RnnModelUpdateTest {
    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private final TinyRnnCell cellA = new TinyRnnCell(3, 0.5f);
    /** Same weights and state shape, output bias +1: same hidden states, outputs 1.0 higher. */
    private final TinyRnnCell cellB = new TinyRnnCell(3, 1.5f);

    private Path modelA;
    private Path modelB;

    @BeforeEach
    void writeModels() throws Exception {
        modelA = cellA.write(dir, "a", Map.of());
        modelB = cellB.write(dir, "b", Map.of());
    }

    private TickJobConfig config(Path model) {
        Map<String, Object> values = JobConfigs.offline(model).toMap();
        values.put("model-updates.enabled", "true");
        return TickJobConfig.from(values);
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, TickInput, ModelUpdateRecord, ForecastRecord> harness(
            TickJobConfig config, OperatorSubtaskState restoreFrom) throws Exception {
        RnnCellSpec spec = OnnxRnnCell.inspect(config.modelFile(), config.modelOverrides);
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, TickInput, ModelUpdateRecord, ForecastRecord>(
                new RnnStepOperator(config, spec), (TickInput t) -> t.key, null, Types.STRING);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static void tick(
            KeyedTwoInputStreamOperatorTestHarness<String, TickInput, ModelUpdateRecord, ForecastRecord> h,
            long ts,
            double value)
            throws Exception {
        TickInput t = RnnStepOperatorTest.tick("a", ts, value);
        h.processElement1(new StreamRecord<>(t, ts));
        h.processWatermark1(new Watermark(ts));
    }

    private static void update(
            KeyedTwoInputStreamOperatorTestHarness<String, TickInput, ModelUpdateRecord, ForecastRecord> h,
            ModelUpdateRecord update)
            throws Exception {
        h.processElement2(new StreamRecord<>(update));
    }

    /** Lets processing time pass, as the poll timer would, until {@code count} statuses are out. */
    private static List<ModelStatusRecord> awaitStatuses(
            KeyedTwoInputStreamOperatorTestHarness<String, TickInput, ModelUpdateRecord, ForecastRecord> h, int count)
            throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (statuses(h).size() < count && System.nanoTime() < deadline) {
            h.setProcessingTime(h.getProcessingTime() + LiveModel.POLL_MS);
            Thread.sleep(5);
        }
        List<ModelStatusRecord> out = statuses(h);
        assertThat(out).hasSize(count);
        return out;
    }

    private static List<ModelStatusRecord> statuses(
            KeyedTwoInputStreamOperatorTestHarness<String, TickInput, ModelUpdateRecord, ForecastRecord> h) {
        List<ModelStatusRecord> out = new ArrayList<>();
        var side = h.getSideOutput(LiveModel.STATUS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static ModelUpdateRecord to(Path model, String version, boolean reset) {
        return new ModelUpdateRecord("tick-forecaster", model.toString(), version, reset);
    }

    @Test
    void shouldSwapInAModelOfTheSameShapesAndKeepEveryKeysState() throws Exception {
        List<Double> sequence = List.of(0.1, 0.4, -0.3, 0.8, 0.2);
        List<Double> offlineA = cellA.run(sequence);
        try (var h = harness(config(modelA), null)) {
            tick(h, 1, sequence.get(0));
            tick(h, 2, sequence.get(1));
            tick(h, 3, sequence.get(2));
            update(h, to(modelB, "2", false));
            List<ModelStatusRecord> status = awaitStatuses(h, 1);
            tick(h, 4, sequence.get(3));
            tick(h, 5, sequence.get(4));

            assertThat(status.get(0).status).isEqualTo(ModelStatusRecord.ACCEPTED);
            assertThat(status.get(0).activeVersion).isEqualTo("2");
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).extracting(f -> f.modelVersion).containsExactly("1", "1", "1", "2", "2");
            assertThat(out).extracting(f -> f.step).containsExactly(1L, 2L, 3L, 4L, 5L);
            for (int i = 0; i < 3; i++) {
                assertThat(out.get(i).outputs[0]).isCloseTo(offlineA.get(i), within(1e-5));
            }
            // The hidden state carried over: cell B's outputs are cell A's over the whole sequence, plus 1.
            for (int i = 3; i < 5; i++) {
                assertThat(out.get(i).outputs[0]).isCloseTo(offlineA.get(i) + 1.0, within(1e-5));
            }
        }
    }

    @Test
    void shouldRefuseOtherStateShapesUnlessTheUpdateAsksForAReset() throws Exception {
        TinyRnnCell bigger = new TinyRnnCell(5);
        Path biggerModel = bigger.write(dir, "bigger", Map.of());
        try (var h = harness(config(modelA), null)) {
            tick(h, 1, 0.1);
            tick(h, 2, 0.4);
            update(h, to(biggerModel, "5", false));
            ModelStatusRecord refused = awaitStatuses(h, 1).get(0);
            tick(h, 3, -0.3);
            update(h, to(biggerModel, "5", true));
            ModelStatusRecord accepted = awaitStatuses(h, 2).get(1);
            tick(h, 4, 0.8);

            assertThat(refused.status).isEqualTo(ModelStatusRecord.REFUSED);
            assertThat(refused.activeVersion).isEqualTo("1");
            assertThat(refused.reason)
                    .contains("model has hidden state h[5] but the running model has h[3]")
                    .contains("\"reset-state\": true");
            assertThat(accepted.status).isEqualTo(ModelStatusRecord.ACCEPTED);
            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).extracting(f -> f.modelVersion).containsExactly("1", "1", "1", "5");
            assertThat(out.get(2).outputs[0])
                    .isCloseTo(cellA.run(List.of(0.1, 0.4, -0.3)).get(2), within(1e-5));
            // Reset: the key starts again from the bigger cell's initial state.
            assertThat(out.get(3).step).isEqualTo(1);
            assertThat(out.get(3).outputs[0]).isCloseTo(bigger.run(List.of(0.8)).get(0), within(1e-5));
        }
    }

    @Test
    void shouldRefuseWhatItMustAndKeepServing() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.onnx"), "not a model");
        Path outside = cellB.write(elsewhere, "outside", Map.of());
        try (var h = harness(config(modelA), null)) {
            update(h, to(broken, "b", false));
            update(h, to(outside, "o", false));
            update(h, new ModelUpdateRecord("tick-forecaster", dir + "/../" + elsewhere.getFileName(), "t", false));
            update(h, ModelUpdateRecord.unreadable("control record 'x' is neither JSON nor an Avro ModelUpdate"));
            update(h, new ModelUpdateRecord("another-job", modelB.toString(), "9", false));
            List<ModelStatusRecord> status = awaitStatuses(h, 4);
            tick(h, 1, 0.1);

            assertThat(status).extracting(s -> s.status).containsOnly(ModelStatusRecord.REFUSED);
            assertThat(status).extracting(s -> s.activeVersion).containsOnly("1");
            // Refusals that need no loading come out at once; the broken model's after its load failed.
            assertThat(status.get(0).reason).contains("outside the allowed locations");
            assertThat(status.get(1).reason).contains("outside the allowed locations");
            assertThat(status.get(2).reason).contains("neither JSON nor an Avro ModelUpdate");
            assertThat(status.get(3).uri).isEqualTo(broken.toString());
            assertThat(status.get(3).reason).contains("cannot load it").contains("not a model ONNX Runtime can load");
            assertThat(h.extractOutputValues()).extracting(f -> f.modelVersion).containsExactly("1");
        }
    }

    @Test
    void shouldRefuseAModelOverTheSizeLimitWithoutReadingItAndEchoTheRequestId() throws Exception {
        Path huge = dir.resolve("huge.onnx");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(2L << 30); // sparse: nothing to read, were it read
        }
        Map<String, Object> values = JobConfigs.offline(modelA).toMap();
        values.put("model-updates.enabled", "true");
        values.put("model-updates.max-bytes", "1000000");
        try (var h = harness(TickJobConfig.from(values), null)) {
            update(h, to(huge, "huge", false).withRequestId("req-huge"));
            update(h, to(modelB, "2", false).withRequestId("req-b"));
            List<ModelStatusRecord> status = awaitStatuses(h, 2);

            assertThat(status.get(0).status).isEqualTo(ModelStatusRecord.REFUSED);
            assertThat(status.get(0).requestId).isEqualTo("req-huge");
            assertThat(status.get(0).reason)
                    .contains("is 2,147,483,648 bytes; expected at most 1,000,000 bytes (model-updates.max-bytes)");
            assertThat(status.get(1).status).isEqualTo(ModelStatusRecord.ACCEPTED);
            assertThat(status.get(1).requestId).isEqualTo("req-b");
        }
    }

    @Test
    void shouldRestoreTheModelThatWasRunningUnlessTheConfigurationNamesAnother() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(config(modelA), null)) {
            tick(h, 1, 0.1);
            update(h, to(modelB, "2", false));
            awaitStatuses(h, 1);
            tick(h, 2, 0.4);
            snapshot = h.snapshot(1L, 2L);
        }
        List<Double> offlineA = cellA.run(List.of(0.1, 0.4, -0.3));

        try (var h = harness(config(modelA), snapshot)) {
            tick(h, 3, -0.3);
            ForecastRecord f = h.extractOutputValues().get(0);
            assertThat(f.modelVersion).isEqualTo("2");
            assertThat(f.step).isEqualTo(3);
            assertThat(f.outputs[0]).isCloseTo(offlineA.get(2) + 1.0, within(1e-5));
        }

        Path otherA = dir.resolve("a-again.onnx");
        Files.copy(modelA, otherA);
        try (var h = harness(config(otherA), snapshot)) {
            tick(h, 3, -0.3);
            ForecastRecord f = h.extractOutputValues().get(0);
            assertThat(f.modelVersion).isEqualTo("1");
            assertThat(f.step).isEqualTo(3);
            assertThat(f.outputs[0]).isCloseTo(offlineA.get(2), within(1e-5));
        }
    }

    @Test
    void shouldTakeUpAnUpdateThatWasStillLoadingWhenTheCheckpointWasTaken() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(config(modelA), null)) {
            tick(h, 1, 0.1);
            update(h, to(modelB, "2", false));
            // No processing time passes, so nothing is swapped in before the snapshot.
            snapshot = h.snapshot(1L, 2L);
            assertThat(statuses(h)).isEmpty();
        }
        try (var h = harness(config(modelA), snapshot)) {
            assertThat(awaitStatuses(h, 1).get(0).status).isEqualTo(ModelStatusRecord.ACCEPTED);
            tick(h, 2, 0.4);
            assertThat(h.extractOutputValues()).extracting(f -> f.modelVersion).containsExactly("2");
        }
    }

    /**
     * Writes operator state as the code before {@link LiveModelEntry} did: tab-joined strings
     * (subtask, configured model, model, version, reset) in a String union state named
     * "live-model". Savepoints of running jobs hold that format.
     */
    private static OperatorSubtaskState legacySnapshot(String... lines) throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<Object, Object>(new LegacyLiveModelWriter(List.of(lines)))) {
            h.open();
            return h.snapshot(1L, 1L);
        }
    }

    private static final class LegacyLiveModelWriter extends AbstractStreamOperator<Object>
            implements OneInputStreamOperator<Object, Object> {
        private final List<String> lines;
        private transient ListState<String> state;

        LegacyLiveModelWriter(List<String> lines) {
            this.lines = lines;
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            state = context.getOperatorStateStore()
                    .getUnionListState(new ListStateDescriptor<>("live-model", Types.STRING));
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            state.update(lines);
        }

        @Override
        public void processElement(StreamRecord<Object> element) {}
    }

    /** Entries per operator state name in a snapshot. */
    private static Map<String, Integer> operatorStateEntries(OperatorSubtaskState snapshot) {
        Map<String, Integer> entries = new HashMap<>();
        for (OperatorStateHandle handle : snapshot.getManagedOperatorState()) {
            handle.getStateNameToPartitionOffsets()
                    .forEach((name, meta) -> entries.merge(name, meta.getOffsets().length, Integer::sum));
        }
        return entries;
    }

    @Test
    void shouldRestoreTheRunningModelFromASavepointOfTheOldStringFormat() throws Exception {
        OperatorSubtaskState old = legacySnapshot("0\t" + modelA + "\t" + modelB + "\t2\tfalse");
        List<Double> offlineA = cellA.run(List.of(0.1, 0.4));
        OperatorSubtaskState next;
        try (var h = harness(config(modelA), old)) {
            tick(h, 1, 0.1);
            ForecastRecord f = h.extractOutputValues().get(0);
            assertThat(f.modelVersion).isEqualTo("2");
            assertThat(f.outputs[0]).isCloseTo(offlineA.get(0) + 1.0, within(1e-5));
            next = h.snapshot(2L, 2L);
        }
        // The old lines are carried no further; the model in use is now a typed entry.
        assertThat(operatorStateEntries(next))
                .containsEntry(LiveModelState.LEGACY_NAME, 0)
                .containsEntry(LiveModelState.NAME, 1);
        try (var h = harness(config(modelA), next)) {
            tick(h, 2, 0.4);
            ForecastRecord f = h.extractOutputValues().get(0);
            assertThat(f.modelVersion).isEqualTo("2");
            assertThat(f.step).isEqualTo(2);
            assertThat(f.outputs[0]).isCloseTo(offlineA.get(1) + 1.0, within(1e-5));
        }
    }

    @Test
    void shouldTakeUpAnUpdateStillLoadingInASavepointOfTheOldStringFormat() throws Exception {
        OperatorSubtaskState old = legacySnapshot(
                "0\t" + modelA + "\t" + modelA + "\t\tfalse", "0\t" + modelA + "\t" + modelB + "\t3\tfalse");
        try (var h = harness(config(modelA), old)) {
            ModelStatusRecord status = awaitStatuses(h, 1).get(0);
            tick(h, 1, 0.1);

            assertThat(status.status).isEqualTo(ModelStatusRecord.ACCEPTED);
            assertThat(status.uri).isEqualTo(modelB.toString());
            assertThat(status.activeVersion).isEqualTo("3");
            assertThat(h.extractOutputValues()).extracting(f -> f.modelVersion).containsExactly("3");
        }
    }
}
