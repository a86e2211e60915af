package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.TickInput;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.TinyRnnCell;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 keys on the RocksDB state backend: step every key, checkpoint (with ticks still
 * pending in state), restore into a fresh operator, and every key continues where it was.
 */
class RnnStepOperatorManyKeysTest {
    private static final int KEYS = 100_000;

    @TempDir
    Path dir;

    private final TinyRnnCell tiny = new TinyRnnCell(8);

    private KeyedOneInputStreamOperatorTestHarness<String, TickInput, ForecastRecord> harness(
            TickJobConfig config, OperatorSubtaskState restoreFrom) throws Exception {
        RnnCellSpec spec = OnnxRnnCell.inspect(config.modelFile(), config.modelOverrides);
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new RnnStepOperator(config, spec), (TickInput t) -> t.key, Types.STRING);
        EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend(true);
        // The harness gives operators almost no managed memory; RocksDB would flush its memtable constantly.
        rocksDb.getMemoryConfiguration().setUseManagedMemory(false);
        harness.setStateBackend(rocksDb);
        harness.setCheckpointStorage(
                new FileSystemCheckpointStorage(dir.resolve("checkpoints").toUri()));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static double value(int key, int step) {
        return Math.sin(key * 0.001 + step);
    }

    @Test
    void shouldCheckpointAndRestoreTheHiddenStateOf100000Keys() throws Exception {
        Map<String, Object> values =
                JobConfigs.offline(tiny.write(dir, "tiny", Map.of())).toMap();
        values.put("state.backend", "rocksdb");
        TickJobConfig config = TickJobConfig.from(values);

        OperatorSubtaskState snapshot;
        try (var h = harness(config, null)) {
            for (int step = 1; step <= 2; step++) {
                for (int k = 0; k < KEYS; k++) {
                    h.processElement(new StreamRecord<>(
                            RnnStepOperatorTest.tick("key-" + k, step * 10, value(k, step)), step * 10L));
                }
            }
            h.processWatermark(new Watermark(10)); // step 1 of every key; step 2 stays pending in state
            assertThat(h.extractOutputValues()).hasSize(KEYS);
            snapshot = h.snapshot(1L, 1L);
        }

        try (var h = harness(config, snapshot)) {
            h.processWatermark(new Watermark(20));
            List<ForecastRecord> restored = h.extractOutputValues();

            assertThat(restored).hasSize(KEYS);
            for (ForecastRecord f : restored) {
                int k = Integer.parseInt(f.key.substring(4));
                assertThat(f.step).isEqualTo(2);
                double expected = tiny.run(List.of(value(k, 1), value(k, 2))).get(1);
                assertThat(f.outputs[0]).as(f.key).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-5));
            }
        }
    }
}
