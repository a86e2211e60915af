package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.config.ConfigException;
import io.inferstream.inference.ModelContractException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The forecasting builder's sanity check: a refused setting fails at build(), naming the setter,
 * the key, the value and what was expected; a good one carries the tick job's defaults.
 */
class RnnForecastingBuilderTest {
    private static final String MODEL = "models/sensor-esn.onnx";

    private static RnnForecasting.Builder valid() {
        return RnnForecasting.builder().modelPath(MODEL);
    }

    @Test
    void shouldBuildWithTheTickJobsDefaultsAndTheCheckedModel() {
        RnnForecasting forecasting = valid().stateTtl(Duration.ofHours(1)).build();
        assertThat(forecasting.config().maxBatchSize).isEqualTo(256);
        assertThat(forecasting.config().maxOutOfOrdernessMs).isEqualTo(1000);
        assertThat(forecasting.config().stateTtlMs).isEqualTo(3_600_000);
        assertThat(forecasting.config().common.jobName).isEqualTo("tick-forecaster");
        assertThat(forecasting.config().common.bootstrapServers)
                .as("no Kafka needed")
                .isNull();
        assertThat(forecasting.spec().features).isEqualTo(1);
    }

    @Test
    void shouldRefuseAMissingModelPath() {
        assertThatThrownBy(() -> RnnForecasting.builder().build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("RnnForecasting: model.path is not set: expected the path of the ONNX RNN cell");
    }

    @Test
    void shouldRefuseAModelFileThatDoesNotExist() {
        assertThatThrownBy(() ->
                        RnnForecasting.builder().modelPath("models/absent.onnx").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("RnnForecasting: modelPath(models/absent.onnx) refused:"
                        + " model.path = 'models/absent.onnx': expected an existing file (the ONNX RNN cell)");
    }

    @Test
    void shouldRefuseAModelThatIsNoRnnCell() {
        assertThatThrownBy(() -> RnnForecasting.builder()
                        .modelPath("models/fashion-cnn.onnx")
                        .build())
                .isInstanceOf(ModelContractException.class)
                .hasMessageStartingWith("RnnForecasting: modelPath(models/fashion-cnn.onnx) does not fit the RNN-cell"
                        + " contract: model has inputs [input]; expected [x, h]");
    }

    @Test
    void shouldRefuseABatchSizeBelowOne() {
        assertThatThrownBy(() -> valid().batchSize(0).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("RnnForecasting: batchSize(0) refused: batch.max-size = '0':"
                        + " expected an integer between 1 and 65536");
    }

    @Test
    void shouldRefuseANegativeOutOfOrderness() {
        assertThatThrownBy(
                        () -> valid().maxOutOfOrderness(Duration.ofMillis(-5)).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("RnnForecasting: maxOutOfOrderness(-5) refused: order.max-out-of-orderness-ms = '-5':"
                        + " expected an integer between 0 and 86400000");
    }

    @Test
    void shouldRefuseANegativeStateTtl() {
        assertThatThrownBy(() -> valid().stateTtl(Duration.ofSeconds(-1)).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("RnnForecasting: stateTtl(-1000) refused: state.ttl-ms = '-1000':"
                        + " expected an integer between 0 and ");
    }

    @Test
    void shouldRefuseANullDuration() {
        assertThatThrownBy(() -> valid().idleTimeout(null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RnnForecasting: idleTimeout(null): expected a duration (order.idle-timeout-ms)");
    }

    @Test
    void shouldRefuseABadValueSetByItsKey() {
        assertThatThrownBy(() -> valid().setting("model.transform", "square").build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("RnnForecasting: model.transform = 'square': expected one of none, log-return");
    }

    @Test
    void shouldRefuseAnUnknownKey() {
        assertThatThrownBy(() -> valid().setting("batch.max-sise", 8).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "RnnForecasting: unknown configuration key 'batch.max-sise' for tick-forecaster; expected one of [")
                .hasMessageContaining("batch.max-size")
                .hasMessageNotContaining("kafka.properties.");
    }

    @Test
    void shouldRefuseSettingsOfTheShippedKafkaJob() {
        for (String key :
                new String[] {"topics.input", "kafka.bootstrap", "flink.state.backend.type", "input.key-field"}) {
            assertThatThrownBy(() -> valid().setting(key, "x").build())
                    .as(key)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("RnnForecasting: " + key + " = 'x': expected a setting of the transformation; " + key
                            + " belongs to the shipped Kafka job (set it on your own sources, sinks or Flink"
                            + " configuration instead)");
        }
    }

    @Test
    void shouldHideTheValueOfASecretItRefuses() {
        assertThatThrownBy(() -> valid().setting("kafka.properties.sasl.jaas.config", "pass=hunter2")
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("RnnForecasting: kafka.properties.sasl.jaas.config = '(hidden)'")
                .hasMessageNotContaining("hunter2");
    }
}
