package io.inferstream.flink;

import io.inferstream.kafka.Topics;
import io.inferstream.testing.FlinkClusters;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same scenario against Kafka in a container, where a Docker engine is available. Skipped,
 * not failed, where there is none (as on the project's CI machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class ImageClassifierTestcontainersITCase {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.2.0");

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    Path checkpoints;

    @Test
    void shouldAccountForEveryInputAndPredictLikeTheOfflineModel() throws Exception {
        ImageKafkaScenario scenario = new ImageKafkaScenario(KAFKA.getBootstrapServers(), "container");
        Topics.ensure(
                KAFKA.getBootstrapServers(), Map.of(scenario.input(), 2, scenario.output(), 2, scenario.dlq(), 2));

        scenario.run(checkpoints);
    }
}
