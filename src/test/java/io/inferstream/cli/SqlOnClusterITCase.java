package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.local.CheckedSender;
import io.inferstream.local.LocalFlinkCluster;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.OfflineClassifier;
import io.inferstream.testing.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The shipped jobs/image-classifier.sql submitted by {@code sql -f FILE --cluster} to a local
 * cluster of separate JobManager and TaskManager processes, against a real broker: the
 * JobManager plans the script from the job jar, the TaskManagers serve ML_PREDICT, and every image
 * gets the label that ONNX Runtime run directly gives it, while an undecodable input reaches the
 * dead-letter table.
 */
class SqlOnClusterITCase {
    private static final Path JOB_JAR = Path.of("target/inferstream-0.1.0-SNAPSHOT-job.jar");
    private static final int IMAGES = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void shouldRunTheShippedScriptOnTheMultiProcessCluster() throws Exception {
        assertThat(JOB_JAR).as("job jar built by the package phase").isRegularFile();
        String input = KAFKA.createTopic("cluster-sql-images", 2);
        String output = KAFKA.createTopic("cluster-sql-predictions", 2);
        String dlq = KAFKA.createTopic("cluster-sql-images.dlq", 1);
        SampleImages samples = SampleImages.loadBundled();
        try (CheckedSender sender = new CheckedSender(KAFKA.bootstrapServers())) {
            for (int i = 0; i < IMAGES; i++) {
                sender.send(input, SampleImages.key(i).getBytes(StandardCharsets.UTF_8), samples.png(i));
            }
            sender.send(
                    input, "text".getBytes(StandardCharsets.UTF_8), "not an image".getBytes(StandardCharsets.UTF_8));
            sender.flush();
        }
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target/cluster-test")), "sql-");
        Path script = dir.resolve("image-classifier.sql");
        Files.writeString(script, shippedScript(input, output, dlq));

        try (LocalFlinkCluster cluster =
                LocalFlinkCluster.start(dir, Path.of("").toAbsolutePath(), 1, 2, true)) {
            String[] result = cli(
                    "sql",
                    "-f",
                    script.toString(),
                    "--cluster",
                    dir.toString(),
                    "--jar",
                    JOB_JAR.toAbsolutePath().toString());
            assertThat(result[0]).as("exit code; stderr: %s", result[2]).isEqualTo("0");
            List<String> jobs = cluster.rest().activeJobs();
            assertThat(jobs).as("one job for both sinks").hasSize(1);
            try {
                Map<String, String> labels = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : read(output, IMAGES)) {
                    JsonNode row = JSON.readTree(r.value());
                    labels.put(row.get("source").asText(), row.get("label").asText());
                }
                List<ConsumerRecord<byte[], byte[]>> deadLetters = read(dlq, 1);

                assertThat(labels).hasSize(IMAGES);
                try (OfflineClassifier oracle = new OfflineClassifier(OfflineClassifier.DEMO_MODEL)) {
                    for (int i = 0; i < IMAGES; i++) {
                        String expected = SampleImages.labelNames()
                                .get(OfflineClassifier.argMax(oracle.probabilities(samples.pixels(i))));
                        assertThat(labels.get(SampleImages.key(i)))
                                .as("label of %s", SampleImages.key(i))
                                .isEqualTo(expected);
                    }
                }
                assertThat(deadLetters).hasSize(1);
                JsonNode deadLetter = JSON.readTree(deadLetters.get(0).value());
                assertThat(deadLetter.get("source").asText()).isEqualTo("text");
                assertThat(deadLetter.get("error").asText()).startsWith("UNDECODABLE_IMAGE");
            } finally {
                jobs.forEach(cluster.rest()::cancel);
            }
        }
    }

    /** jobs/image-classifier.sql as shipped, pointed at this broker and this test's topics. */
    private static String shippedScript(String input, String output, String dlq) throws Exception {
        String script = Files.readString(Path.of("jobs/image-classifier.sql"));
        Map<String, String> replacements = Map.of(
                "'127.0.0.1:9092'", "'" + KAFKA.bootstrapServers() + "'",
                "'topic' = 'images'", "'topic' = '" + input + "'",
                "'image-predictions-sql'", "'" + output + "'",
                "'images-sql.dlq'", "'" + dlq + "'");
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            assertThat(script).as("the script holds the text the test replaces").contains(r.getKey());
            script = script.replace(r.getKey(), r.getValue());
        }
        return script;
    }

    private static String[] cli(String... args) {
        CommandLine cli = Inferstream.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
        return TopicReader.uncommitted(KAFKA.clientProperties())
                .read(List.of(topic), count, Duration.ofSeconds(90), Duration.ZERO);
    }
}
