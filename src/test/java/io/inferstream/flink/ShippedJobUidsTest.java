package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.TickJobConfig;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.OfflineClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The shipped jobs, now built through the DataStream API, keep the operator uids their savepoints
 * were written under, and the tick job adds no watermark operator of its own (its Kafka source
 * assigns them per partition).
 */
class ShippedJobUidsTest {

    private static List<String> uids(StreamExecutionEnvironment env) {
        return env.getStreamGraph().getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .filter(Objects::nonNull)
                .sorted()
                .toList();
    }

    @Test
    void shouldKeepTheTickJobsUids() {
        Map<String, Object> values =
                JobConfigs.offline(Path.of("models/sensor-esn.onnx")).toMap();
        values.put("model-updates.enabled", "true");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TickJobPipeline.wire(env, TickJobConfig.from(values));
        assertThat(uids(env))
                .containsExactly(
                        "Sink Committer: tick-dlq-sink",
                        "Sink Committer: tick-model-status-sink",
                        "Sink Committer: tick-predictions-sink",
                        "rnn-step",
                        "tick-dlq-sink",
                        "tick-instance-fence",
                        "tick-instance-fence-feed",
                        "tick-model-status-sink",
                        "tick-model-updates-source",
                        "tick-predictions-sink",
                        "tick-source",
                        "tick-validate");
    }

    @Test
    void shouldKeepTheImageJobsUids() {
        Map<String, Object> values =
                JobConfigs.offline(OfflineClassifier.DEMO_MODEL).toMap();
        values.put("model-updates.enabled", "true");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ImageJobPipeline.wire(env, ImageJobConfig.from(values));
        assertThat(uids(env))
                .containsExactly(
                        "Sink Committer: image-dlq-sink",
                        "Sink Committer: image-model-status-sink",
                        "Sink Committer: image-predictions-sink",
                        "image-classify",
                        "image-decode",
                        "image-dlq-sink",
                        "image-instance-fence",
                        "image-instance-fence-feed",
                        "image-model-status-sink",
                        "image-model-updates-source",
                        "image-predictions-sink",
                        "image-source");
    }
}
