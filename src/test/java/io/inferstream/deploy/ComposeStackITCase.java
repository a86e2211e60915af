package io.inferstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.TickPrediction;
import io.inferstream.flink.PreparedJob;
import io.inferstream.local.KafkaClients;
import io.inferstream.output.RecordDecoder;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The whole docker-compose.yml stack, started with the local `docker compose`: both jobs reach
 * RUNNING on the Flink cluster, and ticks produced to Kafka come back as forecasts. Needs a Docker
 * engine and the jars of `package` (run in `verify`, after it); skipped, not failed, where no
 * Docker engine runs, as on the project's CI machines. Uses the file's fixed host ports 9092 and
 * 8081, which must be free.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackITCase {
    private static final String BOOTSTRAP = "localhost:9092";
    private static final URI JOBS_OVERVIEW = URI.create("http://localhost:8081/jobs/overview");
    private static final List<String> KEYS = List.of("compose-it-0", "compose-it-1", "compose-it-2", "compose-it-3");
    private static final int STEPS = 30;

    private static ComposeContainer stack;

    @BeforeAll
    static void startStack() throws Exception {
        PomFacts pom = PomFacts.load(Path.of("pom.xml"));
        for (Path jar : List.of(
                pom.shadedJar(),
                Path.of("target/flink-lib/onnxruntime-" + pom.property("onnxruntime.version") + ".jar"))) {
            assertThat(jar).as("built by ./mvnw -DskipTests package").isRegularFile();
        }
        stack = new ComposeContainer(new File("docker-compose.yml"))
                .withRemoveVolumes(true)
                .withStartupTimeout(Duration.ofMinutes(5));
        stack.start();
        awaitJobsRunning(Duration.ofMinutes(5));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void shouldRunBothJobsOnTheCluster() throws Exception {
        assertThat(runningJobs()).as("jobs RUNNING at %s", JOBS_OVERVIEW).containsAll(PreparedJob.JOBS);
    }

    @Test
    void shouldForecastTicksProducedToKafka() throws Exception {
        long start = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(BOOTSTRAP)) {
            for (int step = 0; step < STEPS; step++) {
                for (int k = 0; k < KEYS.size(); k++) {
                    String key = KEYS.get(k);
                    String json = String.format(
                            "{\"key\":\"%s\",\"ts\":%d,\"value\":%.4f}",
                            key, start + step * 1000L, 20 + 3 * Math.sin(step / 5.0 + k));
                    // Both partitions get ticks: an idle partition would hold the watermark back.
                    producer.send(new ProducerRecord<>(
                            "ticks",
                            k % 2,
                            key.getBytes(StandardCharsets.UTF_8),
                            json.getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }

        Map<String, Integer> forecasts = forecastsPerKey(Duration.ofMinutes(3));

        assertThat(forecasts.keySet())
                .as("keys with forecasts on tick-predictions")
                .containsAll(KEYS);
    }

    /** Reads tick-predictions (committed records only) until every key has a forecast or time runs out. */
    private static Map<String, Integer> forecastsPerKey(Duration timeout) {
        Properties props = new Properties();
        props.put("bootstrap.servers", BOOTSTRAP);
        props.put("group.id", "compose-it-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        Map<String, Integer> forecasts = new TreeMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("tick-predictions"));
            while (!forecasts.keySet().containsAll(KEYS) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (RecordDecoder.decodeAvro(record.value()) instanceof TickPrediction) {
                        TickPrediction prediction = (TickPrediction) RecordDecoder.decodeAvro(record.value());
                        assertThat(prediction.getOutputs().values())
                                .as("forecast for %s", prediction.getKey())
                                .allMatch(Double::isFinite);
                        forecasts.merge(prediction.getKey(), 1, Integer::sum);
                    }
                }
            }
        }
        return forecasts;
    }

    private static void awaitJobsRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> running = List.of();
        while (System.nanoTime() < deadline) {
            running = runningJobs();
            if (running.containsAll(PreparedJob.JOBS)) {
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("jobs not RUNNING after " + timeout + ": " + running + " (expected " + PreparedJob.JOBS
                + "); see `docker compose logs submit-image-classifier submit-tick-forecaster`");
    }

    /** The known jobs whose names appear among the RUNNING jobs at /jobs/overview; empty while Flink is not up. */
    private static List<String> runningJobs() throws InterruptedException {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(JOBS_OVERVIEW)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Map<String, String> states = new HashMap<>();
            for (JsonNode job : new ObjectMapper().readTree(response.body()).path("jobs")) {
                states.put(job.path("name").asText(), job.path("state").asText());
            }
            return PreparedJob.JOBS.stream()
                    .filter(job -> states.entrySet().stream()
                            .anyMatch(s ->
                                    s.getKey().contains(job) && s.getValue().equals("RUNNING")))
                    .toList();
        } catch (java.io.IOException notUpYet) {
            return List.of();
        }
    }
}
