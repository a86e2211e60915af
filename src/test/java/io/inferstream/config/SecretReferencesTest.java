package io.inferstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretReferencesTest {
    @TempDir
    Path dir;

    private final SecretReferences secrets =
            new SecretReferences(Map.of("KAFKA_USER", "alice", "KAFKA_PASSWORD", "s3cret")::get);

    @Test
    void shouldResolveEnvironmentReferencesInsideAValue() {
        Object jaas = secrets.resolve(
                "kafka.properties.sasl.jaas.config",
                "PlainLoginModule required username=\"${env:KAFKA_USER}\" password=\"${env:KAFKA_PASSWORD}\";");

        assertThat(jaas).isEqualTo("PlainLoginModule required username=\"alice\" password=\"s3cret\";");
    }

    @Test
    void shouldResolveFileReferencesWithoutTheTrailingNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "from-a-file\n");

        assertThat(secrets.resolve("kafka.properties.ssl.key.password", "${file:" + file + "}"))
                .isEqualTo("from-a-file");
    }

    @Test
    void shouldNameTheKeyAndReferenceButNoValueWhenUnresolvable() {
        assertThatThrownBy(() -> secrets.resolve("kafka.properties.sasl.jaas.config", "x ${env:MISSING} y"))
                .hasMessage("kafka.properties.sasl.jaas.config refers to ${env:MISSING}: expected environment variable"
                        + " MISSING to be set");
        assertThatThrownBy(() -> secrets.resolve("k", "${file:" + dir.resolve("nope") + "}"))
                .hasMessageContaining("k refers to ${file:")
                .hasMessageContaining("expected a readable file");
    }

    @Test
    void shouldLeaveOtherValuesAlone() {
        assertThat(secrets.resolve("topics.input", "images")).isEqualTo("images");
        assertThat(secrets.resolve("model.labels", java.util.List.of("a"))).isEqualTo(java.util.List.of("a"));
    }

    @Test
    void shouldPassResolvedSecretsToKafkaButNeverShowThemInErrors() throws Exception {
        Path model = Files.write(dir.resolve("m.onnx"), new byte[] {1});
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "b:1");
        values.put("model.path", model.toString());
        values.put("kafka.properties.sasl.jaas.config", "${env:KAFKA_PASSWORD}");

        ImageJobConfig cfg = ImageJobConfig.from(new Settings(values, secrets));

        assertThat(cfg.common.kafkaProperties).containsEntry("sasl.jaas.config", "s3cret");
        assertThat(ConfigException.of("kafka.properties.ssl.key.password", "s3cret", "something")
                        .getMessage())
                .doesNotContain("s3cret")
                .contains("(hidden)");
    }
}
