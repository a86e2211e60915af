package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.avro.ImagePrediction;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.kafka.LocalKafkaBroker;
import io.inferstream.kafka.Topics;
import io.inferstream.models.SampleImages;
import io.inferstream.output.RecordDecoder;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.OfflineClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs against a broker that requires SASL/PLAIN: client settings pass through
 * {@code kafka.properties.*}, the password comes from a file by reference, and a client without
 * the right credentials is refused.
 */
class SecureKafkaITCase {
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-for-tests";

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    private static LocalKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSecureBroker() throws Exception {
        broker = LocalKafkaBroker.start(KafkaBroker.newDataDir("sasl"), 0, true, Map.of(USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Properties client(String password) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.saslBootstrapServers());
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "PLAIN");
        props.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER + "\" password=\""
                        + password + "\";");
        props.put("default.api.timeout.ms", "10000");
        props.put("request.timeout.ms", "5000");
        return props;
    }

    @Test
    void shouldRefuseClientsWithoutTheRightCredentials() {
        try (Admin wrongPassword = Admin.create(client("guess"))) {
            assertThatThrownBy(() -> wrongPassword.describeCluster().clusterId().get())
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        Properties anonymous = new Properties();
        anonymous.put("bootstrap.servers", broker.saslBootstrapServers());
        anonymous.put("default.api.timeout.ms", "5000");
        anonymous.put("request.timeout.ms", "3000");
        try (Admin noCredentials = Admin.create(anonymous)) {
            assertThatThrownBy(() -> noCredentials.describeCluster().clusterId().get())
                    .isNotNull();
        }
        try (Admin rightPassword = Admin.create(client(PASSWORD))) {
            assertThat(rightPassword.describeCluster().nodes()).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldRunTheImageJobWithSaslSettingsAndAPasswordFromAFile() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), PASSWORD + "\n");
        Topics.ensure(client(PASSWORD), Map.of("secure-images", 2, "secure-predictions", 2, "secure-images.dlq", 2));
        SampleImages samples = SampleImages.loadBundled();
        int images = 20;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(client(PASSWORD), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < images; i++) {
                producer.send(new ProducerRecord<>(
                        "secure-images", SampleImages.key(i).getBytes(), samples.png(i)));
            }
            producer.flush();
        }

        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", broker.saslBootstrapServers());
        values.put("kafka.properties.security.protocol", "SASL_PLAINTEXT");
        values.put("kafka.properties.sasl.mechanism", "PLAIN");
        values.put(
                "kafka.properties.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                        + "\" password=\"${file:" + passwordFile + "}\";");
        values.put("topics.input", "secure-images");
        values.put("topics.output", "secure-predictions");
        values.put("topics.dlq", "secure-images.dlq");
        values.put("job.name", "secure-images");
        values.put("model.path", OfflineClassifier.DEMO_MODEL.toString());
        values.put("checkpoint.interval-ms", "500");
        values.put("checkpoint.dir", dir.resolve("checkpoints").toString());
        ImageJobConfig cfg = ImageJobConfig.from(values);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironments.flinkConfiguration(cfg.common));
        ImageJobPipeline.wire(env, cfg);
        JobClient job = env.executeAsync("secure image job");
        List<ImagePrediction> predictions = new ArrayList<>();
        try {
            Properties consumer = client(PASSWORD);
            consumer.put("group.id", "secure-reader");
            consumer.put("auto.offset.reset", "earliest");
            consumer.put("isolation.level", "read_committed");
            try (KafkaConsumer<byte[], byte[]> reader =
                    new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                reader.subscribe(List.of("secure-predictions"));
                long deadline = System.currentTimeMillis() + 90_000;
                while (predictions.size() < images && System.currentTimeMillis() < deadline) {
                    reader.poll(Duration.ofMillis(200))
                            .forEach(r -> predictions.add((ImagePrediction) RecordDecoder.decodeAvro(r.value())));
                }
            }
        } finally {
            job.cancel().get();
        }

        assertThat(predictions).hasSize(images);
        assertThat(predictions).extracting(ImagePrediction::getModel).containsOnly("fashion-cnn");
    }
}
