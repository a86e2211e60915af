package io.inferstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelUpdateSettingsTest {
    @TempDir
    Path dir;

    private ModelUpdateSettings settings(Map<String, Object> extra) throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path model = Files.writeString(models.resolve("m.onnx"), "x");
        Map<String, Object> values = new HashMap<>();
        values.put("model.path", model.toString());
        values.putAll(extra);
        Settings s = new Settings(values);
        return ModelUpdateSettings.read(s, s.string("model.path", null));
    }

    @Test
    void shouldAllowTheConfiguredModelsDirectoryByDefault() throws Exception {
        ModelUpdateSettings s = settings(Map.of());
        Path models = dir.resolve("models").toRealPath();

        assertThat(s.enabled).isFalse();
        assertThat(s.topic).isEqualTo("model-updates");
        assertThat(s.statusTopic).isEqualTo("model-updates.status");
        assertThat(s.refusal(models.resolve("v2.onnx").toString())).isNull();
        assertThat(s.refusal(models.resolve("sub/v3.onnx").toUri().toString())).isNull();
        assertThat(s.refusal(dir.resolve("elsewhere.onnx").toString()))
                .contains("is outside the allowed locations [" + dir.resolve("models") + "/]")
                .contains("model-updates.allowed-locations");
        assertThat(s.refusal(models + "/../elsewhere.onnx")).contains("outside the allowed locations");
        // A sibling whose name starts like the allowed folder is not inside it.
        assertThat(s.refusal(dir.resolve("models-evil/v2.onnx").toString())).isNotNull();
        assertThat(s.refusal("s3://bucket/models/v2.onnx")).isNotNull();
    }

    @Test
    void shouldNotBeFooledBySymbolicLinksOutOfTheAllowedFolder() throws Exception {
        ModelUpdateSettings s = settings(Map.of());
        Path secret = Files.writeString(dir.resolve("secret.onnx"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("models").resolve("link.onnx"), secret);

        assertThat(s.refusal(link.toString())).contains("outside the allowed locations");
    }

    @Test
    void shouldResolveARelativeFolderWhereTheModelIsRead() throws Exception {
        Settings s = new Settings(Map.of("model.path", "models/fashion-cnn.onnx"));
        ModelUpdateSettings updates = ModelUpdateSettings.read(s, s.string("model.path", null));

        assertThat(updates.allowedLocations).containsExactly("models/");
        assertThat(updates.refusal("models/fashion-cnn-v2.onnx")).isNull();
        assertThat(updates.refusal(Path.of("models/v2.onnx").toAbsolutePath().toString()))
                .isNull();
        assertThat(updates.refusal("jobs/image-classifier.yaml")).contains("outside the allowed locations [models/]");
    }

    @Test
    void shouldTakeConfiguredDirectoriesAndUriPrefixes() throws Exception {
        ModelUpdateSettings s = settings(Map.of(
                "model-updates.allowed-locations",
                List.of("s3://bucket/models", dir.resolve("other").toString())));

        assertThat(s.refusal("s3://bucket/models/v2.onnx")).isNull();
        assertThat(s.refusal("s3://bucket/models/../secrets/v2.onnx")).isNotNull();
        assertThat(s.refusal("s3://bucket/modelsX/v2.onnx")).isNotNull();
        assertThat(s.refusal(dir.resolve("other/v2.onnx").toString())).isNull();
        assertThat(s.refusal(dir.resolve("models/m.onnx").toString())).isNotNull();
    }

    @Test
    void shouldRefuseTheSameTopicForUpdatesAndStatus() {
        assertThatThrownBy(() -> settings(Map.of("model-updates.status-topic", "model-updates")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model-updates.status-topic")
                .hasMessageContaining("a topic other than model-updates.topic");
    }
}
