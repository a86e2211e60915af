package io.inferstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.inference.ModelMetadataKeys;
import io.inferstream.inference.OnnxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageJobConfigTest {
    @TempDir
    Path dir;

    private Path model;

    @BeforeEach
    void createModelFile() throws Exception {
        model = Files.write(dir.resolve("m.onnx"), new byte[] {1});
    }

    private Map<String, Object> minimal() {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "localhost:9092");
        values.put("model.path", model.toString());
        return values;
    }

    @Test
    void shouldApplyDocumentedDefaults() {
        ImageJobConfig cfg = ImageJobConfig.from(minimal());

        assertThat(cfg.common.inputTopic).isEqualTo("images");
        assertThat(cfg.common.outputTopic).isEqualTo("image-predictions");
        assertThat(cfg.common.deadLetterTopic).isEqualTo("images.dlq");
        assertThat(cfg.common.delivery).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(cfg.common.outputFormat).isEqualTo(OutputFormat.AVRO);
        assertThat(cfg.maxBatchSize).isEqualTo(64);
        assertThat(cfg.maxBatchWaitMs).isEqualTo(20);
        assertThat(cfg.common.groupId).isEqualTo("inferstream-image-classifier");
    }

    @Test
    void shouldLoadTheShippedJobFile() {
        Map<String, Object> values = ConfigFiles.load(Path.of("jobs/image-classifier.yaml"));
        values.put("kafka.bootstrap", "localhost:9092");

        ImageJobConfig cfg = ImageJobConfig.from(values);

        assertThat(cfg.modelFile()).isEqualTo(Path.of("models/fashion-cnn.onnx"));
        assertThat(cfg.topK).isEqualTo(3);
        assertThat(cfg.onnx).isEqualTo(OnnxOptions.CPU);
    }

    @Test
    void shouldRefuseAnUnknownKeyNamingIt() {
        Map<String, Object> values = minimal();
        values.put("batch.max-sise", "10");

        assertThatThrownBy(() -> ImageJobConfig.from(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'batch.max-sise'")
                .hasMessageContaining("batch.max-size");
    }

    @Test
    void shouldRefuseOutOfRangeValuesNamingKeyValueAndRange() {
        Map<String, Object> values = minimal();
        values.put("batch.max-size", "0");

        assertThatThrownBy(() -> ImageJobConfig.from(values))
                .isInstanceOf(ConfigException.class)
                .hasMessage("batch.max-size = '0': expected an integer between 1 and 4096");
    }

    @Test
    void shouldRunOnTheCpuUnlessTold() {
        assertThat(ImageJobConfig.from(minimal()).onnx).isEqualTo(OnnxOptions.CPU);
    }

    @Test
    void shouldReadTheExecutionProviderItsDeviceAndTheFallback() {
        Map<String, Object> values = minimal();
        values.put("onnx.execution-provider", "CUDA");
        values.put("onnx.cuda.device-id", "1");
        values.put("onnx.fallback-to-cpu", "true");
        values.put("onnx.intra-op-threads", "2");

        assertThat(ImageJobConfig.from(values).onnx).isEqualTo(new OnnxOptions(2, OnnxOptions.Provider.CUDA, 1, true));
    }

    @Test
    void shouldRefuseBadExecutionProviderSettingsNamingKeyValueAndExpected() {
        assertThatThrownBy(() -> ImageJobConfig.from(with("onnx.execution-provider", "gpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("onnx.execution-provider = 'gpu': expected one of cpu, cuda");
        assertThatThrownBy(() -> ImageJobConfig.from(with("onnx.cuda.device-id", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("onnx.cuda.device-id = '-1': expected an integer between 0 and 1023");
        assertThatThrownBy(() -> ImageJobConfig.from(with("onnx.fallback-to-cpu", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("onnx.fallback-to-cpu = 'maybe': expected true or false");
    }

    private Map<String, Object> with(String key, String value) {
        Map<String, Object> values = minimal();
        values.put(key, value);
        return values;
    }

    @Test
    void shouldRefuseAnUnknownDeliveryGuarantee() {
        Map<String, Object> values = minimal();
        values.put("delivery", "twice");

        assertThatThrownBy(() -> ImageJobConfig.from(values))
                .hasMessage("delivery = 'twice': expected one of exactly-once, at-least-once");
    }

    @Test
    void shouldRefuseAMissingModelFileNamingThePath() {
        Map<String, Object> values = minimal();
        values.put("model.path", "models/nope.onnx");

        assertThatThrownBy(() -> ImageJobConfig.from(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.path = 'models/nope.onnx'")
                .hasMessageContaining("an existing file");
    }

    @Test
    void shouldRequireTheBootstrapServers() {
        Map<String, Object> values = minimal();
        values.remove("kafka.bootstrap");

        assertThatThrownBy(() -> ImageJobConfig.from(values))
                .hasMessageContaining("kafka.bootstrap is not set")
                .hasMessageContaining("--bootstrap");
    }

    @Test
    void shouldRefuseAnInputTopicThatIsAlsoTheOutput() {
        Map<String, Object> values = minimal();
        values.put("topics.output", "images");

        assertThatThrownBy(() -> ImageJobConfig.from(values)).hasMessageContaining("topics.input = 'images'");
    }

    @Test
    void shouldPassKafkaAndFlinkSectionsThrough() throws Exception {
        Path file = dir.resolve("job.yaml");
        Files.writeString(
                file,
                "kafka:\n  bootstrap: b:1\n  properties:\n    security.protocol: SASL_SSL\n"
                        + "flink:\n  state.backend.type: rocksdb\nmodel:\n  path: " + model + "\n");

        ImageJobConfig cfg = ImageJobConfig.from(ConfigFiles.load(file));

        assertThat(cfg.common.kafkaProperties).containsEntry("security.protocol", "SASL_SSL");
        assertThat(cfg.common.flinkSettings).containsEntry("state.backend.type", "rocksdb");
    }

    @Test
    void shouldLetSidecarAndThenJobConfigOverrideModelMetadata() throws Exception {
        Files.writeString(
                Path.of(model + ".properties"),
                ModelMetadataKeys.INPUT_MEAN + "=0.1\n" + ModelMetadataKeys.LAYOUT + "=NHWC\n");
        Map<String, Object> values = minimal();
        values.put("model.labels", List.of("cat", "dog \"big\""));
        values.put("model.layout", "nchw");

        Map<String, String> merged =
                ImageJobConfig.from(values).modelOverrides.applyTo(Map.of(ModelMetadataKeys.INPUT_STD, "0.3"));

        assertThat(merged)
                .containsEntry(ModelMetadataKeys.INPUT_MEAN, "0.1")
                .containsEntry(ModelMetadataKeys.INPUT_STD, "0.3")
                .containsEntry(ModelMetadataKeys.LAYOUT, "NCHW")
                .containsEntry(ModelMetadataKeys.LABELS, "[\"cat\",\"dog \\\"big\\\"\"]");
    }

    @Test
    void shouldNameTheFileThatIsNotAMap() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "- just\n- a list\n");

        assertThatThrownBy(() -> ConfigFiles.load(file))
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("expected a map of settings");
    }

    @Test
    void shouldReadTheImageEnvelopeOnlyWithAnImageField() {
        Map<String, Object> values = minimal();
        assertThat(ImageJobConfig.from(values).envelope.appliesTo("{}".getBytes()))
                .isFalse();

        values.put("input.source-field", "/camera");
        assertThatThrownBy(() -> ImageJobConfig.from(values))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("input.image-field is not set: expected a path like /jpeg");
        values.put("input.image-field", "/jpeg");
        values.put("input.time-field", "/ts");
        values.put("input.time-format", "epoch-ms");
        assertThat(ImageJobConfig.from(values).envelope.appliesTo(" {\"jpeg\":\"\"}".getBytes()))
                .isTrue();
        values.put("input.image-field", "jpeg");
        assertThatThrownBy(() -> ImageJobConfig.from(values))
                .hasMessage("input.image-field = 'jpeg': expected a JSON Pointer like /device/id");
        values.put("input.image-field", "/jpeg");
        values.put("input.value-fields", "/p");
        assertThatThrownBy(() -> ImageJobConfig.from(values))
                .hasMessageContaining("unknown configuration key 'input.value-fields' for image-classifier");
    }
}
