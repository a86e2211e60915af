package io.inferstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.kafka.Topics;
import io.inferstream.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaBrokerITCase {

    private static final Duration POLL_DEADLINE = Duration.ofSeconds(30);

    @Test
    void shouldDeliverOnlyCommittedTransactionsAndLeaveNothingBehindOnClose() throws Exception {
        Path dataDir = KafkaBroker.newDataDir("transactions");
        LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, 0, true);
        long pid = broker.pid();
        try (broker) {
            String topic = "transactions-" + UUID.randomUUID();
            assertThat(Topics.ensure(broker.bootstrapServers(), Map.of(topic, 1)))
                    .containsExactly(topic);

            try (KafkaProducer<String, String> producer = transactionalProducer(broker.bootstrapServers())) {
                producer.initTransactions();
                sendInTransaction(producer, topic, "committed-1", "committed-2");
                producer.commitTransaction();
                sendInTransaction(producer, topic, "aborted-1");
                producer.flush();
                producer.abortTransaction();
                // A commit after the abort proves the consumer read past the aborted records, not just up to them.
                sendInTransaction(producer, topic, "committed-3");
                producer.commitTransaction();
            }

            assertThat(readWithGroup(broker.bootstrapServers(), topic, "read_committed", 3))
                    .containsExactly("committed-1", "committed-2", "committed-3");
            // The aborted record did reach the log: the filtering above is the broker's, not an empty send.
            assertThat(readAssigned(broker.bootstrapServers(), topic, "read_uncommitted", 4))
                    .containsExactly("committed-1", "committed-2", "aborted-1", "committed-3");
        }

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                .as("broker pid %s", pid)
                .isEmpty();
        assertThat(dataDir).doesNotExist();
        broker.close(); // a second close is a no-op, not an error
    }

    @Test
    void shouldKeepTopicsAndRecordsWhenRestartedOnAKeptDataDir() throws Exception {
        Path dataDir = KafkaBroker.newDataDir("restart");
        String topic = "kept";
        try (LocalKafkaBroker first = LocalKafkaBroker.start(dataDir, 0, false)) {
            Topics.ensure(first.bootstrapServers(), Map.of(topic, 1));
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(producerProperties(first.bootstrapServers()))) {
                producer.send(new ProducerRecord<>(topic, "k", "before-restart"))
                        .get();
            }
        }
        assertThat(dataDir.resolve("broker.log"))
                .as("kept with deleteOnClose=false")
                .exists();

        try (LocalKafkaBroker second = LocalKafkaBroker.start(dataDir, 0, true)) {
            assertThat(Topics.exists(second.bootstrapServers(), topic)).isTrue();
            assertThat(readAssigned(second.bootstrapServers(), topic, "read_committed", 1))
                    .containsExactly("before-restart");
        }
        assertThat(dataDir).doesNotExist();
    }

    private static Properties producerProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrapServers) {
        Properties p = producerProperties(bootstrapServers);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        return new KafkaProducer<>(p);
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String topic, String... values) {
        producer.beginTransaction();
        for (String value : values) {
            producer.send(new ProducerRecord<>(topic, "key", value));
        }
    }

    private static Properties consumerProperties(String bootstrapServers, String isolationLevel) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    /** Reads through a consumer group, which also exercises the single-replica offsets topic. */
    private static List<String> readWithGroup(String bootstrapServers, String topic, String isolation, int atLeast) {
        Properties p = consumerProperties(bootstrapServers, isolation);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            return pollUntil(consumer, atLeast);
        }
    }

    private static List<String> readAssigned(String bootstrapServers, String topic, String isolation, int atLeast) {
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerProperties(bootstrapServers, isolation))) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            return pollUntil(consumer, atLeast);
        }
    }

    /** Polls until {@code atLeast} values arrived or the deadline passed, then once more to catch extras. */
    private static List<String> pollUntil(KafkaConsumer<String, String> consumer, int atLeast) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + POLL_DEADLINE.toNanos();
        while (values.size() < atLeast && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                values.add(record.value());
            }
        }
        consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
        return values;
    }
}
