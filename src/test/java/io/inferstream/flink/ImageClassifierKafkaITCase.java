package io.inferstream.flink;

import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.KafkaBroker;
import java.nio.file.Path;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The image job against a real local Kafka broker (a child JVM), exactly-once, parallelism 2. */
class ImageClassifierKafkaITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    Path checkpoints;

    @Test
    void shouldAccountForEveryInputAndPredictLikeTheOfflineModel() throws Exception {
        ImageKafkaScenario scenario = new ImageKafkaScenario(KAFKA.bootstrapServers(), "local");
        KAFKA.createTopic(scenario.input(), 2);
        KAFKA.createTopic(scenario.output(), 2);
        KAFKA.createTopic(scenario.dlq(), 2);

        scenario.run(checkpoints);
    }
}
