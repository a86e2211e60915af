package io.inferstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobArgumentsTest {

    @Test
    void shouldMapEveryFlagToItsKeyInBothForms() {
        JobArguments parsed = JobArguments.parse(List.of(
                "tick-forecaster",
                "--config",
                "jobs/x.yaml",
                "--bootstrap",
                "b:9092",
                "--model=models/m.onnx",
                "--set",
                "order.max-out-of-orderness-ms=5",
                "--set=state.ttl-ms=7",
                "--create-topics",
                "--from-scratch"));

        assertThat(parsed.job).isEqualTo("tick-forecaster");
        assertThat(parsed.config).isEqualTo(Path.of("jobs/x.yaml"));
        assertThat(parsed.fromScratch).isTrue();
        assertThat(parsed.overrides)
                .isEqualTo(Map.of(
                        "kafka.bootstrap", "b:9092",
                        "model.path", "models/m.onnx",
                        "order.max-out-of-orderness-ms", "5",
                        "state.ttl-ms", "7",
                        "topics.create", "true"));
        for (Map.Entry<String, String> flag : JobArguments.FLAGS.entrySet()) {
            assertThat(JobArguments.parse(List.of("image-classifier", flag.getKey(), "v")).overrides)
                    .containsExactly(Map.entry(flag.getValue(), "v"));
        }
    }

    @Test
    void shouldRefuseWhatItDoesNotKnowNamingItWithSecretsHidden() {
        assertThatThrownBy(() -> JobArguments.parse(List.of())).hasMessageContaining("expected the job's name first");
        assertThatThrownBy(() -> JobArguments.parse(List.of("--bootstrap", "x")))
                .hasMessageContaining("got '--bootstrap'");
        assertThatThrownBy(() -> JobArguments.parse(List.of("image-classifier", "--model")))
                .hasMessage("--model expects a value");
        assertThatThrownBy(() -> JobArguments.parse(List.of("image-classifier", "--set", "novalue")))
                .hasMessageContaining("expected KEY=VALUE");
        assertThatThrownBy(() ->
                        JobArguments.parse(List.of("image-classifier", "kafka.properties.ssl.key.password=hunter2")))
                .hasMessageContaining("unknown argument 'kafka.properties.ssl.key.password=(hidden)'")
                .hasMessageContaining("--bootstrap")
                .hasMessageNotContaining("hunter2");
    }
}
