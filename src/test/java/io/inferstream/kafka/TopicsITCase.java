package io.inferstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.testing.KafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicsITCase {

    @RegisterExtension
    static KafkaBroker kafka = new KafkaBroker();

    @Test
    void shouldCreateOnlyTheMissingTopicsWithTheirPartitionCounts() throws Exception {
        String existing = kafka.createTopic(kafka.uniqueTopic("existing"), 1);
        String missing = kafka.uniqueTopic("missing");

        assertThat(Topics.ensure(kafka.bootstrapServers(), Map.of(existing, 3, missing, 3)))
                .containsExactly(missing);

        assertThat(partitions(missing)).isEqualTo(3);
        assertThat(partitions(existing))
                .as("an existing topic is left as it is")
                .isEqualTo(1);
    }

    @Test
    void shouldReportWhetherATopicExists() {
        String topic = kafka.uniqueTopic("exists");
        assertThat(Topics.exists(kafka.bootstrapServers(), topic)).isFalse();

        kafka.createTopic(topic, 2);

        assertThat(Topics.exists(kafka.bootstrapServers(), topic)).isTrue();
        assertThat(kafka.createTopic(topic, 2))
                .as("creating it again is harmless")
                .isEqualTo(topic);
    }

    @Test
    void shouldRejectAZeroPartitionCountNamingTheTopic() {
        String topic = kafka.uniqueTopic("zero");

        assertThatThrownBy(() -> Topics.ensure(kafka.bootstrapServers(), Map.of(topic, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(topic)
                .hasMessageContaining("expected 1 or more");
    }

    @Test
    void shouldNotAutoCreateATopicAProducerAsksFor() {
        String topic = kafka.uniqueTopic("typo");
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.partitionsFor(topic)).isInstanceOf(TimeoutException.class);
        }

        assertThat(Topics.exists(kafka.bootstrapServers(), topic)).isFalse();
    }

    private static int partitions(String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicDescription description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return description.partitions().size();
        }
    }
}
