package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.StreamJobSettings;
import io.inferstream.config.TickJobConfig;
import io.inferstream.records.TickInput;
import io.inferstream.testing.JobConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.clock.SystemClock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tick source's parsing and event time, driven as the Kafka source drives them: the
 * deserializer, then the strategy's timestamp assigner and one partition's watermark generator.
 */
class TickDeserializerTest {
    @TempDir
    static Path dir;

    private final TickJobConfig config = TickJobConfig.from(JobConfigs.offline(model())
            .set("order.max-out-of-orderness-ms", "1000")
            .toMap());
    private final TickDeserializer deserializer =
            new TickDeserializer(StreamJobSettings.DEFAULT_MAX_KEY_BYTES, config.maxFutureMs);
    private final WatermarkStrategy<TickInput> strategy = TickInputs.watermarks(config);
    private final TimestampAssigner<TickInput> assigner =
            strategy.createTimestampAssigner(UnregisteredMetricsGroup::new);
    private final WatermarkGenerator<TickInput> generator = strategy.createWatermarkGenerator(
            new org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier.Context() {
                @Override
                public org.apache.flink.metrics.MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public org.apache.flink.util.clock.RelativeClock getInputActivityClock() {
                    return SystemClock.getInstance();
                }
            });
    private final List<Long> watermarks = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };
    private long offset;

    /** The configuration wants an existing file; the model is never read here. */
    private static Path model() {
        try {
            Path model = dir.resolve("unread.onnx");
            return Files.exists(model) ? model : Files.createFile(model);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One record through the source: deserialized, stamped, seen by the watermark generator. */
    private TickInput read(String json) throws Exception {
        List<TickInput> out = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>(
                        "ticks",
                        0,
                        offset++,
                        "k".getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)),
                new Collector<>() {
                    @Override
                    public void collect(TickInput tick) {
                        out.add(tick);
                    }

                    @Override
                    public void close() {}
                });
        TickInput tick = out.get(0);
        long ts = assigner.extractTimestamp(tick, 0);
        generator.onEvent(tick, ts, output);
        return tick;
    }

    private long watermark() {
        generator.onPeriodicEmit(output);
        return watermarks.get(watermarks.size() - 1);
    }

    @Test
    void shouldNeverLetAMicrosecondTickMoveThePartitionsWatermark() throws Exception {
        read("{\"ts\":1700000001000,\"value\":1}");
        read("{\"ts\":1700000002000.0,\"value\":2}");
        assertThat(watermark()).isEqualTo(1_700_000_000_999L);

        TickInput micros = read("{\"ts\":1700000003000000,\"value\":3}");

        assertThat(micros.parsed()).isFalse();
        assertThat(micros.rejectReason).isEqualTo("FUTURE_TIMESTAMP");
        assertThat(micros.rejectError)
                .contains("years ahead of the wall clock")
                .contains("expected epoch milliseconds");
        assertThat(assigner.extractTimestamp(micros, 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(watermark()).as("watermark after the microsecond tick").isEqualTo(1_700_000_000_999L);

        TickInput next = read("{\"ts\":1700000003000,\"value\":4}");
        assertThat(next.parsed()).isTrue();
        assertThat(watermark()).isEqualTo(1_700_000_001_999L);
    }
}
