package io.inferstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.ImagePrediction;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.flink.ImageJobPipeline;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.local.CheckedSender;
import io.inferstream.output.RecordDecoder;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jobs/image-classifier.sql on a real broker and a MiniCluster: ML_PREDICT over a
 * Kafka table of raw image bytes gives every image the label and score the image job gives it,
 * and the inputs it cannot serve reach the dead-letter table with their reason.
 */
class ImageSqlKafkaITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    Path checkpoints;

    @Test
    void shouldPredictLikeTheImageJobAndDeadLetterTheRest() throws Exception {
        String input = KAFKA.createTopic("images", 2);
        String output = KAFKA.createTopic("image-predictions-sql", 2);
        String dlq = KAFKA.createTopic("images-sql.dlq", 1);
        String jobOutput = KAFKA.createTopic("image-predictions-job", 2);
        KAFKA.createTopic("image-predictions-job.dlq", 1);
        SampleImages samples = SampleImages.loadBundled();
        byte[] png = samples.png(0);
        Map<String, byte[]> garbage = Map.of(
                "empty", new byte[0],
                "text", "definitely not an image".getBytes(StandardCharsets.UTF_8),
                "truncated", Arrays.copyOf(png, png.length / 2));
        try (CheckedSender sender = new CheckedSender(KAFKA.bootstrapServers())) {
            for (int i = 0; i < samples.size(); i++) {
                sender.send(input, SampleImages.key(i).getBytes(StandardCharsets.UTF_8), samples.png(i));
            }
            garbage.forEach((key, value) -> sender.send(input, key.getBytes(StandardCharsets.UTF_8), value));
            sender.flush();
        }

        runScript();
        Map<String, JsonNode> sql = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(output, samples.size())) {
            JsonNode row = JSON.readTree(r.value());
            sql.put(row.get("source").asText(), row);
        }
        Map<String, String> errors = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(dlq, garbage.size())) {
            JsonNode row = JSON.readTree(r.value());
            errors.put(row.get("source").asText(), row.get("error").asText());
            assertThat(row.get("id").asText()).startsWith(input + "-");
        }
        Map<String, ImagePrediction> job = runImageJob(input, jobOutput, samples.size());

        assertThat(sql).as("one prediction per image").hasSize(samples.size());
        assertThat(job).hasSize(samples.size());
        for (Map.Entry<String, ImagePrediction> e : job.entrySet()) {
            JsonNode row = sql.get(e.getKey());
            assertThat(row).as("SQL prediction of " + e.getKey()).isNotNull();
            assertThat(row.get("label").asText()).isEqualTo(e.getValue().getLabel());
            assertThat(row.get("score").floatValue()).isEqualTo(e.getValue().getScore());
            assertThat(row.get("model_version").asText()).isEqualTo(e.getValue().getModelVersion());
            assertThat(row.get("top_k")).hasSize(3);
            assertThat(row.get("top_k").get(0).get("label").asText())
                    .isEqualTo(e.getValue().getLabel());
        }
        assertThat(errors).containsOnlyKeys(garbage.keySet());
        assertThat(errors.get("empty")).startsWith("EMPTY_VALUE");
        assertThat(errors.get("text")).startsWith("UNDECODABLE_IMAGE").contains("first bytes");
        assertThat(errors.get("truncated")).startsWith("UNDECODABLE_IMAGE");
    }

    /** The shipped script, pointed at this broker and bounded by the offsets present now. */
    private void runScript() throws Exception {
        String script = Files.readString(Path.of("jobs/image-classifier.sql"))
                .replace("'127.0.0.1:9092'", "'" + KAFKA.bootstrapServers() + "'")
                .replace(
                        "'scan.startup.mode' = 'earliest-offset',",
                        "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',");
        assertThat(script).contains(KAFKA.bootstrapServers(), "latest-offset");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        List<TableResult> jobs = SqlRunner.run(tables, SqlScript.statements(script, Map.of()), System.out);
        assertThat(jobs).as("one job for both sinks").hasSize(1);
        jobs.get(0).await();
    }

    private Map<String, ImagePrediction> runImageJob(String input, String output, int images) throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", KAFKA.bootstrapServers());
        values.put("topics.input", input);
        values.put("topics.output", output);
        values.put("topics.dlq", output + ".dlq");
        values.put("job.name", "image-job-beside-sql");
        values.put("model.path", "models/fashion-cnn.onnx");
        values.put("parallelism", "2");
        values.put("checkpoint.interval-ms", "500");
        values.put("checkpoint.dir", checkpoints.toString());
        ImageJobConfig cfg = ImageJobConfig.from(values);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironments.flinkConfiguration(cfg.common));
        ImageJobPipeline.wire(env, cfg);
        JobClient job = env.executeAsync("image job beside sql");
        Map<String, ImagePrediction> predictions = new HashMap<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : read(output, images)) {
                ImagePrediction p = (ImagePrediction) RecordDecoder.decodeAvro(r.value());
                predictions.put(p.getSource(), p);
            }
        } finally {
            job.cancel().get();
        }
        return predictions;
    }

    /** Reads committed records from the start until count arrived or two minutes passed. */
    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
        return TopicReader.committed(KAFKA.clientProperties())
                .read(List.of(topic), count, Duration.ofMinutes(2), Duration.ZERO);
    }
}
