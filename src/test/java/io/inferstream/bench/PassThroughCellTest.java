package io.inferstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.LiveModel;
import io.inferstream.flink.RnnStepOperator;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.ModelUpdateRecord;
import io.inferstream.records.TickInput;
import io.inferstream.testing.TinyRnnCell;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tick benchmark's ceiling: the job's own RNN operator serving the pass-through cell makes
 * one forecast per tick, all zeros, and leaves the control topic's updates alone.
 */
class PassThroughCellTest {
    @TempDir
    Path dir;

    @Test
    void shouldForecastZeroForEveryTickAndIgnoreModelUpdates() throws Exception {
        Path model = new TinyRnnCell(3).write(dir, "tiny", Map.of());
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", model.toString());
        values.put("model-updates.enabled", "true");
        TickJobConfig config = TickJobConfig.from(values);
        RnnCellSpec spec = OnnxRnnCell.inspect(config.modelFile(), config.modelOverrides);
        RnnStepOperator operator = new RnnStepOperator(config, spec, PassThroughCell.serve(config, spec));
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, TickInput, ModelUpdateRecord, ForecastRecord>(
                operator, (TickInput t) -> t.key, null, Types.STRING)) {
            h.open();
            h.processElement2(
                    new StreamRecord<>(new ModelUpdateRecord(config.common.jobName, model.toString(), "2", false)));
            for (long ts = 1; ts <= 3; ts++) {
                h.processElement1(new StreamRecord<>(tick("a", ts, 0.5 * ts), ts));
                h.processElement1(new StreamRecord<>(tick("b", ts, -ts), ts));
                h.processWatermark1(new Watermark(ts));
            }

            List<ForecastRecord> out = h.extractOutputValues();
            assertThat(out).hasSize(6);
            assertThat(out).allSatisfy(f -> assertThat(f.outputs).containsOnly(0.0));
            assertThat(out)
                    .extracting(f -> f.key + f.step)
                    .containsExactlyInAnyOrder("a1", "b1", "a2", "b2", "a3", "b3");
            assertThat(h.getSideOutput(LiveModel.STATUS)).isNull();
        }
    }

    private static TickInput tick(String key, long ts, double value) {
        TickInput t = new TickInput();
        t.key = key;
        t.ts = ts;
        t.values = new double[] {value};
        t.raw = new KafkaInput("ticks", 0, ts, ts, key.getBytes(), ("{\"ts\":" + ts + "}").getBytes());
        t.id = t.raw.coordinates();
        return t;
    }
}
