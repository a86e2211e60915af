package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.avro.ImageEvent;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.TickJobConfig;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.inference.ImageModelOverrides;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ImageTask;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import io.inferstream.testing.OfflineClassifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records that used to stop a job, each now a prediction or a dead letter, one step at a time. */
class PerRecordFailuresTest {
    private static ImageModelSpec imageSpec;
    private static SampleImages samples;

    @BeforeAll
    static void loadModel() throws Exception {
        imageSpec = OnnxImageClassifier.inspect(OfflineClassifier.DEMO_MODEL, ImageModelOverrides.none());
        samples = SampleImages.loadBundled();
    }

    @Test
    void shouldTakeTheKafkaTimestampForAnImageEventWithoutEventTime() throws Exception {
        byte[] event = bytes(ImageEvent.getEncoder()
                .encode(ImageEvent.newBuilder()
                        .setImage(ByteBuffer.wrap(samples.png(0)))
                        .build()));
        KafkaInput input = new KafkaInput("images", 0, 5, 1_700_000_000_123L, null, event);

        try (var harness = harness(new ImageDecodeFunction(imageConfig(Map.of()), imageSpec))) {
            harness.processElement(input, 0);

            assertThat(harness.extractOutputValues()).singleElement().satisfies(task -> {
                assertThat(task.eventTime).isEqualTo(1_700_000_000_123L);
                assertThat(task.id).isEqualTo("images-0-5");
            });
            assertThat(deadLetters(harness, ImageDecodeFunction.DEAD_LETTERS)).isEmpty();
        }
    }

    @Test
    void shouldRefuseAnOversizedKeyWithAValidImage() throws Exception {
        byte[] key = new byte[600 * 1024];
        Arrays.fill(key, (byte) 'c');
        KafkaInput input = new KafkaInput("images", 1, 9, 1, key, samples.png(1));

        try (var harness = harness(new ImageDecodeFunction(imageConfig(Map.of()), imageSpec))) {
            harness.processElement(input, 0);

            assertThat(harness.extractOutputValues()).isEmpty();
            DeadLetterRecord d =
                    deadLetters(harness, ImageDecodeFunction.DEAD_LETTERS).get(0);
            assertThat(d.reason).isEqualTo("KEY_TOO_LARGE");
            assertThat(d.error).isEqualTo("the record key is 614400 bytes; the limit (limits.max-key-bytes) is 1024");
            assertThat(d.key).hasSize(1024);
            assertThat(d.keyLength).isEqualTo(614_400);
            assertThat(d.value).isEqualTo(samples.png(1));
        }
    }

    @Test
    void shouldTurnAnUnforeseenFailureIntoAnInternalErrorDeadLetter() throws Exception {
        ImageDecodeFunction failing = new ImageDecodeFunction(imageConfig(Map.of()), imageSpec) {
            @Override
            ImageTask toTask(KafkaInput input) {
                throw new IllegalStateException("a bug met record " + input.offset);
            }
        };
        try (var harness = harness(failing)) {
            harness.processElement(new KafkaInput("images", 0, 3, 1, null, samples.png(0)), 0);

            DeadLetterRecord d =
                    deadLetters(harness, ImageDecodeFunction.DEAD_LETTERS).get(0);
            assertThat(d.reason).isEqualTo("INTERNAL_ERROR");
            assertThat(d.error)
                    .isEqualTo("decoding the image failed: java.lang.IllegalStateException: a bug met record 3");
        }
    }

    @Test
    void shouldTurnAFailingTickCheckIntoAnInternalErrorDeadLetter() throws Exception {
        TickJobConfig config = tickConfig(Map.of());
        RnnCellSpec spec = io.inferstream.inference.OnnxRnnCell.inspect(config.modelFile(), config.modelOverrides);
        TickInput tick = TickInputs.parse(new KafkaInput(
                "ticks", 0, 1, 1, null, "{\"key\":\"a\",\"ts\":5,\"value\":1}".getBytes(StandardCharsets.UTF_8)));
        tick.values = null; // parsed, yet without values: a source other than ours could send that

        try (var harness = harness(new TickValidateFunction(config, spec))) {
            harness.processElement(tick, 0);

            assertThat(harness.extractOutputValues()).isEmpty();
            DeadLetterRecord d =
                    deadLetters(harness, TickValidateFunction.DEAD_LETTERS).get(0);
            assertThat(d.reason).isEqualTo("INTERNAL_ERROR");
            assertThat(d.error).startsWith("validating the tick failed: java.lang.NullPointerException");
        }
    }

    @Test
    void shouldRefuseOversizedTickKeysBeforeTheyAreKeyed() {
        byte[] bigKey = "k".repeat(2000).getBytes(StandardCharsets.UTF_8);
        byte[] json = "{\"ts\":5,\"value\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] bodyKey =
                ("{\"key\":\"" + "\u00e9".repeat(600) + "\",\"ts\":5,\"value\":1}").getBytes(StandardCharsets.UTF_8);
        byte[] bodyId = ("{\"key\":\"a\",\"id\":\"" + "i".repeat(1025) + "\",\"ts\":5,\"value\":1}")
                .getBytes(StandardCharsets.UTF_8);

        TickInput fromRecord = TickInputs.parse(new KafkaInput("ticks", 0, 1, 1, bigKey, json), 1024);
        TickInput fromBody = TickInputs.parse(new KafkaInput("ticks", 0, 2, 1, null, bodyKey), 1024);
        TickInput fromId = TickInputs.parse(new KafkaInput("ticks", 0, 3, 1, null, bodyId), 1024);
        TickInput within = TickInputs.parse(new KafkaInput("ticks", 0, 4, 1, bigKey, json), 2000);

        assertThat(fromRecord.rejectReason).isEqualTo("KEY_TOO_LARGE");
        assertThat(fromRecord.key).isNull();
        assertThat(fromBody.rejectReason).isEqualTo("KEY_TOO_LARGE");
        assertThat(fromBody.rejectError)
                .isEqualTo("the tick's key is 1200 bytes; the limit (limits.max-key-bytes) is 1024");
        assertThat(fromId.rejectError).startsWith("the tick's id is 1025 bytes");
        assertThat(within.parsed()).isTrue();
    }

    @Test
    void shouldSizeTheProducerForTheLargestRecord() {
        Properties defaults = new Properties();
        KafkaIO.sizeRequests(defaults, 1_000_000);
        Properties large = new Properties();
        KafkaIO.sizeRequests(large, 40_000_000);
        Properties userLarger = new Properties();
        userLarger.setProperty("max.request.size", "5000000");
        KafkaIO.sizeRequests(userLarger, 1_000_000);

        assertThat(defaults.getProperty("max.request.size")).isEqualTo("1048576");
        assertThat(defaults.getProperty("buffer.memory")).isNull();
        assertThat(large.getProperty("max.request.size")).isEqualTo("40001024");
        assertThat(large.getProperty("buffer.memory")).isEqualTo("80002048");
        assertThat(userLarger.getProperty("max.request.size")).isEqualTo("5000000");
    }

    private static <I, O> OneInputStreamOperatorTestHarness<I, O> harness(ProcessFunction<I, O> function)
            throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(function);
    }

    private static List<DeadLetterRecord> deadLetters(
            OneInputStreamOperatorTestHarness<?, ?> harness, org.apache.flink.util.OutputTag<DeadLetterRecord> tag) {
        var records = harness.getSideOutput(tag);
        return records == null
                ? List.of()
                : records.stream().map(r -> r.getValue()).toList();
    }

    private static ImageJobConfig imageConfig(Map<String, String> extra) {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", OfflineClassifier.DEMO_MODEL.toString());
        values.putAll(extra);
        return ImageJobConfig.from(values);
    }

    private static TickJobConfig tickConfig(Map<String, String> extra) {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", "models/sensor-esn.onnx");
        values.putAll(extra);
        return TickJobConfig.from(values);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
