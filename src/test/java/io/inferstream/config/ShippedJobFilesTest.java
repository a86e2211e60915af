package io.inferstream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The code holds each default once; jobs/*.yaml sets only what the shipped jobs change. */
class ShippedJobFilesTest {

    @Test
    void shouldSetOnlyWhatDiffersFromTheImageJobsDefaults() {
        Settings settings = settingsOf("image-classifier");
        ImageJobConfig.from(settings);

        assertThat(keysAtTheirDefault("image-classifier", settings))
                .as("keys of jobs/image-classifier.yaml set to the code's default (drop them from the file)")
                .isEmpty();
    }

    @Test
    void shouldSetOnlyWhatDiffersFromTheTickJobsDefaults() {
        Settings settings = settingsOf("tick-forecaster");
        TickJobConfig.from(settings);

        assertThat(keysAtTheirDefault("tick-forecaster", settings))
                .as("keys of jobs/tick-forecaster.yaml set to the code's default (drop them from the file)")
                .isEmpty();
    }

    @Test
    void shouldSeeAKeySetToItsDefault() {
        Map<String, Object> values = shipped("tick-forecaster");
        values.put("batch.max-size", 256);
        Settings settings = new Settings(values);
        TickJobConfig.from(settings);

        assertThat(settings.defaultsRead()).containsEntry("batch.max-size", "256");
        assertThat(keysAtTheirDefault(values, settings)).contains("batch.max-size: 256");
    }

    private static Settings settingsOf(String job) {
        return new Settings(shipped(job));
    }

    private static Map<String, Object> shipped(String job) {
        Map<String, Object> values = new HashMap<>(ConfigFiles.load(Path.of("jobs/" + job + ".yaml")));
        values.putIfAbsent("kafka.bootstrap", "localhost:9092");
        return values;
    }

    private static List<String> keysAtTheirDefault(String job, Settings settings) {
        return keysAtTheirDefault(ConfigFiles.load(Path.of("jobs/" + job + ".yaml")), settings);
    }

    private static List<String> keysAtTheirDefault(Map<String, Object> file, Settings settings) {
        Map<String, String> defaults = settings.defaultsRead();
        return file.entrySet().stream()
                .filter(e -> e.getValue() != null
                        && String.valueOf(e.getValue()).trim().equals(defaults.get(e.getKey())))
                .map(e -> e.getKey() + ": " + e.getValue())
                .sorted()
                .toList();
    }
}
