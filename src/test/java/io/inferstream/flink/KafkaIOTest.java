package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.StreamJobSettings;
import io.inferstream.config.TickJobConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaIOTest {

    private static StreamJobSettings settings(Map<String, String> extra) {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", "models/sensor-esn.onnx");
        values.putAll(extra);
        return TickJobConfig.from(values).common;
    }

    @Test
    void shouldKeepKafkasBatchSizeUnlessTheUserSetsOne() {
        Properties defaults = KafkaIO.producerProperties(settings(Map.of()));
        Properties users = KafkaIO.producerProperties(settings(Map.of("kafka.properties.batch.size", "16384")));

        assertThat(defaults.getProperty("batch.size")).isNull();
        assertThat(users.getProperty("batch.size")).isEqualTo("16384");
        assertThat(Long.parseLong(defaults.getProperty("max.request.size"))).isGreaterThanOrEqualTo(1_048_576);
        assertThat(defaults.getProperty("transaction.timeout.ms")).isNotNull();
    }
}
