package io.inferstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.inference.ModelMetadataKeys;
import io.inferstream.inference.OnnxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TickJobConfigTest {

    private static Map<String, Object> shipped() {
        Map<String, Object> values = ConfigFiles.load(Path.of("jobs/tick-forecaster.yaml"));
        values.put("kafka.bootstrap", "localhost:9092");
        return values;
    }

    @Test
    void shouldLoadTheShippedJobFileWithDocumentedDefaults() {
        TickJobConfig cfg = TickJobConfig.from(shipped());

        assertThat(cfg.common.inputTopic).isEqualTo("ticks");
        assertThat(cfg.common.outputTopic).isEqualTo("tick-predictions");
        assertThat(cfg.common.deadLetterTopic).isEqualTo("ticks.dlq");
        assertThat(cfg.modelFile()).isEqualTo(Path.of("models/sensor-esn.onnx"));
        assertThat(cfg.maxBatchSize).isEqualTo(256);
        assertThat(cfg.maxOutOfOrdernessMs).isEqualTo(1000);
        assertThat(cfg.stateBackend).isEqualTo("hashmap");
        assertThat(cfg.stateTtlMs).isZero();
        assertThat(cfg.resetStateOnModelChange).isFalse();
        assertThat(cfg.onnx).isEqualTo(OnnxOptions.CPU);
    }

    @Test
    void shouldReadTheExecutionProviderAsTheImageJobDoes() {
        Map<String, Object> values = shipped();
        values.put("onnx.execution-provider", "cuda");
        values.put("onnx.fallback-to-cpu", "true");

        assertThat(TickJobConfig.from(values).onnx).isEqualTo(new OnnxOptions(1, OnnxOptions.Provider.CUDA, 0, true));

        values.put("onnx.execution-provider", "tpu");
        assertThatThrownBy(() -> TickJobConfig.from(values))
                .isInstanceOf(ConfigException.class)
                .hasMessage("onnx.execution-provider = 'tpu': expected one of cpu, cuda");
    }

    @Test
    void shouldTurnModelKeysIntoMetadataOverrides() {
        Map<String, Object> values = shipped();
        values.put("model.input-name", "input");
        values.put("model.state-inputs", List.of("h0", "c0"));
        values.put("model.output-names", List.of("close"));
        values.put("model.transform", "log-return");
        values.put("model.mean", "0.1,0.2");

        Map<String, String> overrides = TickJobConfig.from(values).modelOverrides;

        assertThat(overrides)
                .containsEntry(ModelMetadataKeys.RNN_INPUT, "input")
                .containsEntry(ModelMetadataKeys.RNN_STATE_INPUTS, "h0,c0")
                .containsEntry(ModelMetadataKeys.OUTPUT_NAMES, "[\"close\"]")
                .containsEntry(ModelMetadataKeys.INPUT_TRANSFORM, "log-return")
                .containsEntry(ModelMetadataKeys.INPUT_MEAN, "0.1,0.2");
    }

    @Test
    void shouldRefuseBadValuesNamingTheKey() {
        Map<String, Object> backend = shipped();
        backend.put("state.backend", "memory");
        Map<String, Object> transform = shipped();
        transform.put("model.transform", "log");
        Map<String, Object> unknown = shipped();
        unknown.put("state.tll-ms", "5");

        assertThatThrownBy(() -> TickJobConfig.from(backend))
                .hasMessage("state.backend = 'memory': expected one of hashmap, rocksdb");
        assertThatThrownBy(() -> TickJobConfig.from(transform))
                .hasMessage("model.transform = 'log': expected one of none, log-return");
        assertThatThrownBy(() -> TickJobConfig.from(unknown))
                .hasMessageContaining("unknown configuration key 'state.tll-ms' for tick-forecaster");
    }

    @Test
    void shouldReadTheForecastKeysWithTheirDefaults() {
        ForecastSettings defaults = TickJobConfig.from(shipped()).forecast;
        assertThat(defaults.horizon).isEqualTo(1);
        assertThat(defaults.intervalLevel).isEqualTo(0.9);
        assertThat(defaults.errorDecay).isEqualTo(0.05);
        assertThat(defaults.anomalyThreshold).isEqualTo(4.0);
        assertThat(defaults.anomalyMinSteps).isEqualTo(20);
        assertThat(defaults.alertsTopic).isNull();
        assertThat(defaults.explicitlyAsked).isFalse();

        Map<String, Object> values = shipped();
        values.put("forecast.horizon", "10");
        values.put("forecast.interval", "0.95");
        values.put("topics.alerts", "tick-alerts");
        ForecastSettings set = TickJobConfig.from(values).forecast;
        assertThat(set.horizon).isEqualTo(10);
        assertThat(set.intervalLevel).isEqualTo(0.95);
        assertThat(set.alertsTopic).isEqualTo("tick-alerts");
        assertThat(set.explicitlyAsked).isTrue();
    }

    @Test
    void shouldRefuseBadForecastValuesNamingKeyValueAndExpectation() {
        Map<String, String> bad = Map.of(
                "forecast.horizon", "0",
                "forecast.interval", "1.5",
                "forecast.error-decay", "0",
                "anomaly.threshold", "-1",
                "anomaly.min-steps", "many",
                "topics.alerts", "tick-predictions");
        Map<String, String> expected = Map.of(
                "forecast.horizon", "forecast.horizon = '0': expected an integer between 1 and 1000",
                "forecast.interval", "forecast.interval = '1.5': expected a fraction in (0, 1), e.g. 0.9",
                "forecast.error-decay", "forecast.error-decay = '0': expected a weight in (0, 1]",
                "anomaly.threshold", "anomaly.threshold = '-1': expected a positive number of spreads",
                "anomaly.min-steps", "anomaly.min-steps = 'many': expected an integer between 1 and",
                "topics.alerts", "topics.alerts = 'tick-predictions': expected a topic other than topics.input");
        bad.forEach((key, value) -> {
            Map<String, Object> values = shipped();
            values.put(key, value);
            assertThatThrownBy(() -> TickJobConfig.from(values))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(expected.get(key));
        });
    }

    @Test
    void shouldReadTheInputMappingAndRefuseBadPathsNamingTheKey() throws Exception {
        Map<String, Object> values = shipped();
        assertThat(TickJobConfig.from(values).inputMapping.isDefault()).isTrue();

        values.put("input.key-field", "/s");
        values.put("input.time-field", "/T");
        values.put("input.value-fields", List.of("/p"));
        values.put("input.time-format", "epoch-ms");
        io.inferstream.input.TickParser.Parsed trade = TickJobConfig.from(values)
                .inputMapping
                .parse(null, "{\"s\":\"BTCUSDT\",\"p\":\"43210.50\",\"T\":1700000000123}".getBytes(), 0);
        assertThat(trade.key).isEqualTo("BTCUSDT");
        assertThat(trade.values).containsExactly(43210.5);

        values.put("input.key-field", "kafka-key");
        values.put("input.time-field", "kafka-timestamp");
        assertThat(TickJobConfig.from(values).inputMapping.isDefault()).isFalse();

        values.put("input.key-field", "device.id");
        assertThatThrownBy(() -> TickJobConfig.from(values))
                .isInstanceOf(ConfigException.class)
                .hasMessage("input.key-field = 'device.id': expected a JSON Pointer like /device/id or kafka-key");
        values.put("input.key-field", "/s");
        values.put("input.time-field", "kafka-time");
        assertThatThrownBy(() -> TickJobConfig.from(values))
                .hasMessage(
                        "input.time-field = 'kafka-time': expected a JSON Pointer like /device/id or kafka-timestamp");
        values.put("input.time-field", "/T");
        values.put("input.time-format", "millis");
        assertThatThrownBy(() -> TickJobConfig.from(values))
                .hasMessage("input.time-format = 'millis': expected one of auto, epoch-s, epoch-ms, epoch-us, epoch-ns,"
                        + " iso-8601");
        values.put("input.time-format", "epoch-ms");
        values.put("input.value-fields", List.of("/p", "q"));
        assertThatThrownBy(() -> TickJobConfig.from(values))
                .hasMessage("input.value-fields = 'q': expected a JSON Pointer like /device/id");
        values.put("input.value-fields", List.of("/p"));
        values.put("input.avro-schema", "no-such.avsc");
        assertThatThrownBy(() -> TickJobConfig.from(values))
                .hasMessageStartingWith("input.avro-schema = 'no-such.avsc'");
    }
}
