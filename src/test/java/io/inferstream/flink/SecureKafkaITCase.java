package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.avro.ImagePrediction;
import io.inferstream.cli.Inferstream;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.kafka.Topics;
import io.inferstream.local.FlinkRest;
import io.inferstream.local.LocalKafkaBroker;
import io.inferstream.local.LocalPorts;
import io.inferstream.output.RecordDecoder;
import io.inferstream.testing.CapturedOutput;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.OfflineClassifier;
import io.inferstream.testing.TopicReader;
import io.inferstream.testing.WebUiResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs against a broker that requires SASL/PLAIN: client settings pass through
 * {@code kafka.properties.*}, a client without the right credentials is refused, and a password,
 * whether read from a file by reference or typed literally on the launcher's command line, never
 * shows in a log line, on the console, nor in what Flink's web UI shows about the job.
 */
class SecureKafkaITCase {
    /** The test's own clients: topics, input images, reading predictions. */
    private static final String USER = "carol";

    private static final String PASSWORD = "test-client-pw-2210";
    /** The job whose password comes from a file. */
    private static final String FILE_USER = "alice";

    private static final String FILE_PASSWORD = "s3cret-from-a-file-9137";
    /** The job started by the launcher with the password on its command line. */
    private static final String LAUNCHER_USER = "bob";

    private static final String LAUNCHER_PASSWORD = "literal-s3cret-4711";
    /** A flink.* key the local runtime receives; Flink must mask it in its REST answers. */
    private static final String FLINK_SECRET = "flink-s3-s3cret-0815";

    private static final int IMAGES = 20;

    private static LocalKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSecureBroker() throws Exception {
        broker = LocalKafkaBroker.start(
                KafkaBroker.newDataDir("sasl"),
                0,
                true,
                Map.of(USER, PASSWORD, FILE_USER, FILE_PASSWORD, LAUNCHER_USER, LAUNCHER_PASSWORD));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private static Properties client(String password) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.saslBootstrapServers());
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", jaas(USER, password));
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
    void shouldRunTheImageJobWithAPasswordFromAFileAndShowItNowhere() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), FILE_PASSWORD + "\n");
        String prefix = "file-secret";
        produceImages(prefix);
        Map<String, Object> values = JobConfigs.onBroker(
                        broker.saslBootstrapServers(), prefix + "-job", OfflineClassifier.DEMO_MODEL)
                .set("kafka.properties.security.protocol", "SASL_PLAINTEXT")
                .set("kafka.properties.sasl.mechanism", "PLAIN")
                .set("kafka.properties.sasl.jaas.config", jaas(FILE_USER, "${file:" + passwordFile + "}"))
                .topics(prefix + "-images", prefix + "-predictions", prefix + "-images.dlq")
                .checkpointEvery(500, dir.resolve("checkpoints"))
                .toMap();

        List<ImagePrediction> predictions;
        Map<String, String> webUi;
        try (CapturedOutput output = CapturedOutput.start()) {
            // What `inferstream run` does: the job on a local Flink runtime with its web UI.
            PreparedJob prepared = PreparedJob.prepare(ImageJobConfig.JOB, values);
            int port = LocalPorts.free();
            StreamExecutionEnvironment env = JobEnvironments.localWithWebUi(prepared.flinkConfiguration, port);
            prepared.wire(env);
            JobClient job = env.executeAsync(prepared.settings.jobName);
            try {
                predictions = readPredictions(prefix + "-predictions");
                webUi = WebUiResources.ofJob(
                        new FlinkRest("http://127.0.0.1:" + port),
                        job.getJobID().toString());
            } finally {
                job.cancel().get();
                awaitEnd(job);
            }
            assertShownNowhere(FILE_PASSWORD, webUi, output, Map.of());
            assertKafkaClientSettingsWereLogged(output, prefix + "-job");
        }

        assertThat(predictions).hasSize(IMAGES);
        assertThat(predictions).extracting(ImagePrediction::getModel).containsOnly("fashion-cnn");
        assertThat(webUi.get(webUi.keySet().stream()
                        .filter(path -> path.endsWith("/plan"))
                        .findFirst()
                        .orElseThrow()))
                .contains("kafka: " + prefix + "-images");
    }

    @Test
    void shouldRunTheLauncherWithAPasswordOnItsCommandLineAndShowItNowhere() throws Exception {
        String prefix = "literal-secret";
        produceImages(prefix);
        int port = LocalPorts.free();
        String[] args = {
            "run",
            ImageJobConfig.JOB,
            "--bootstrap",
            broker.saslBootstrapServers(),
            "--model",
            OfflineClassifier.DEMO_MODEL.toString(),
            "--input-topic",
            prefix + "-images",
            "--output-topic",
            prefix + "-predictions",
            "--dlq-topic",
            prefix + "-images.dlq",
            "--checkpoint-dir",
            dir.resolve("checkpoints").toString(),
            "--web-ui-port",
            Integer.toString(port),
            "--create-topics", // with the SASL credentials; includes the model-updates topics the job reads
            "--set",
            "job.name=" + prefix + "-job",
            "--set",
            "checkpoint.interval-ms=500",
            "--set",
            "kafka.properties.security.protocol=SASL_PLAINTEXT",
            "--set",
            "kafka.properties.sasl.mechanism=PLAIN",
            "--set",
            "kafka.properties.sasl.jaas.config=" + jaas(LAUNCHER_USER, LAUNCHER_PASSWORD),
            "--set",
            "flink.s3.secret-key=" + FLINK_SECRET
        };

        List<ImagePrediction> predictions;
        Map<String, String> webUi;
        try (CapturedOutput output = CapturedOutput.start()) {
            CompletableFuture<Integer> launcher = new CompletableFuture<>();
            Thread thread = new Thread(
                    () -> {
                        try {
                            launcher.complete(Inferstream.commandLine().execute(args));
                        } catch (Throwable t) {
                            launcher.completeExceptionally(t);
                        }
                    },
                    "inferstream-run");
            thread.start();
            FlinkRest rest = new FlinkRest("http://127.0.0.1:" + port);
            try {
                predictions = readPredictions(prefix + "-predictions");
                webUi = WebUiResources.ofJob(rest, rest.activeJobs().get(0));
            } finally {
                cancelAll(rest);
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            // Cancelling ends the launcher's env.execute with an error, which picocli prints with its
            // stack trace on stderr (checked as console output); the outcome itself is checked too.
            assertThat(launcher).isDone();
            String launcherError = launcher.handle((code, error) -> error == null ? "exit code " + code : causes(error))
                    .get();
            Map<String, String> launcherOutcome = Map.of("the launcher's outcome", launcherError);
            assertShownNowhere(LAUNCHER_PASSWORD, webUi, output, launcherOutcome);
            assertShownNowhere(FLINK_SECRET, webUi, output, launcherOutcome);
            assertKafkaClientSettingsWereLogged(output, prefix + "-job");
            assertThat(output.console()).contains("Flink web UI at http://127.0.0.1:" + port);
        }

        assertThat(predictions).hasSize(IMAGES);
        // The flink.* key reached the local runtime's configuration, where Flink masks its value.
        assertThat(webUi.get("/jobmanager/config")).contains("s3.secret-key");
    }

    private void produceImages(String prefix) throws Exception {
        Topics.ensure(
                client(PASSWORD), Map.of(prefix + "-images", 2, prefix + "-predictions", 2, prefix + "-images.dlq", 2));
        SampleImages samples = SampleImages.loadBundled();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(client(PASSWORD), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < IMAGES; i++) {
                producer.send(new ProducerRecord<>(
                        prefix + "-images", SampleImages.key(i).getBytes(), samples.png(i)));
            }
            producer.flush();
        }
    }

    private static List<ImagePrediction> readPredictions(String topic) {
        List<ImagePrediction> predictions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.committed(client(PASSWORD))
                .read(List.of(topic), IMAGES, Duration.ofSeconds(90), Duration.ZERO)) {
            predictions.add((ImagePrediction) RecordDecoder.decodeAvro(r.value()));
        }
        return predictions;
    }

    private static void cancelAll(FlinkRest rest) {
        try {
            rest.activeJobs().forEach(rest::cancel);
        } catch (RuntimeException e) {
            // The runtime is gone already (the launcher failed): nothing left to cancel.
        }
    }

    /** Waits until the cancelled job's local runtime has shut down, so its last log lines are in. */
    private static void awaitEnd(JobClient job) {
        assertThat(job.getJobExecutionResult()).failsWithin(Duration.ofSeconds(60));
    }

    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }

    /**
     * The secret occurs in no REST answer, no log event and nothing printed; a failure names each
     * place with the text around the secret.
     */
    private static void assertShownNowhere(
            String secret, Map<String, String> webUi, CapturedOutput output, Map<String, String> more) {
        Map<String, String> places = new LinkedHashMap<>();
        webUi.forEach((path, answer) -> places.put("GET " + path, answer));
        places.put("log", output.log());
        places.put("stdout and stderr", output.console());
        places.putAll(more);
        List<String> leaks = new ArrayList<>();
        places.forEach((place, text) -> {
            int at = text.indexOf(secret);
            if (at >= 0) {
                leaks.add(place + ": ..."
                        + text.substring(Math.max(0, at - 120), Math.min(text.length(), at + secret.length() + 40))
                        + "...");
            }
        });
        assertThat(places).as("places checked").hasSizeGreaterThan(15);
        assertThat(leaks).as("places showing the secret").isEmpty();
    }

    /** The job's own Kafka producer logged its settings, with the JAAS line masked by Kafka. */
    private static void assertKafkaClientSettingsWereLogged(CapturedOutput output, String jobName) {
        assertThat(output.logEvents()).anySatisfy(event -> assertThat(event)
                .contains("ProducerConfig values")
                .contains("transactional.id = " + jobName)
                .contains("sasl.jaas.config = [hidden]"));
    }
}
