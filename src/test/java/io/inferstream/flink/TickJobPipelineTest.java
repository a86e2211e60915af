package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.ConfigFiles;
import io.inferstream.config.TickJobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The tick job's Flink settings: its latency defaults, and the user's flink.* keys over them. */
class TickJobPipelineTest {

    private static Configuration flinkConfiguration(Map<String, Object> extra) {
        Map<String, Object> values = ConfigFiles.load(Path.of("jobs/tick-forecaster.yaml"));
        values.put("kafka.bootstrap", "localhost:9092");
        values.putAll(extra);
        return TickJobPipeline.flinkConfiguration(TickJobConfig.from(values));
    }

    @Test
    void shouldEmitWatermarksAndFlushBuffersEveryTenMillisecondsByDefault() {
        Configuration conf = flinkConfiguration(Map.of());

        assertThat(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).isEqualTo(Duration.ofMillis(10));
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(10));
        // What the job's environment takes from them, as it builds the job graph.
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        assertThat(env.getConfig().getAutoWatermarkInterval()).isEqualTo(10);
        assertThat(env.getBufferTimeout()).isEqualTo(10);
    }

    @Test
    void shouldKeepTheUsersWatermarkIntervalAndBufferTimeout() {
        Configuration conf = flinkConfiguration(Map.of(
                "flink.pipeline.auto-watermark-interval", "200 ms",
                "flink.execution.buffer-timeout.interval", "100 ms"));

        assertThat(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).isEqualTo(Duration.ofMillis(200));
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void shouldKeepTheUsersBufferTimeoutUnderItsOlderName() {
        Configuration conf = flinkConfiguration(Map.of("flink.execution.buffer-timeout", "50 ms"));

        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(50));
        assertThat(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).isEqualTo(Duration.ofMillis(10));
    }
}
