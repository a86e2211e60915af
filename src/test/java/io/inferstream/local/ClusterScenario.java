package io.inferstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.ImagePrediction;
import io.inferstream.avro.ModelStatus;
import io.inferstream.avro.TickPrediction;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.demo.rnn.DemoRnnTrainer;
import io.inferstream.demo.rnn.SyntheticTicks;
import io.inferstream.kafka.Topics;
import io.inferstream.output.RecordDecoder;
import io.inferstream.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The stateful promise on a real cluster, whatever runs it (local processes or containers): one
 * tick job lives through a TaskManager killed with SIGKILL, a stop with savepoint and two
 * rescales (2 to 1, 1 to 2), and its committed output must equal an uninterrupted reference run
 * of the same input; the image job runs beside it through the same failure; a model of another
 * hidden size is refused on the last savepoint, and accepted with a reset that counts every key.
 */
final class ClusterScenario {
    private static final int KEYS = 200;
    private static final int STEPS_PER_PHASE = 10;
    private static final int PHASES = 4;
    private static final SyntheticTicks SERIES = new SyntheticTicks(99);

    private final ClusterUnderTest cluster;
    private final String hostBootstrap;

    ClusterScenario(ClusterUnderTest cluster, String hostBootstrap) {
        this.cluster = cluster;
        this.hostBootstrap = hostBootstrap;
    }

    private FlinkRest rest() {
        return cluster.rest();
    }

    private String createTopic(String name, int partitions) {
        Topics.ensure(hostBootstrap, Map.of(name, partitions));
        return name;
    }

    private Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", hostBootstrap);
        return props;
    }

    private List<String> tickArgs(String input, String output, String name, int parallelism, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "tick-forecaster",
                "--bootstrap",
                cluster.jobBootstrap(),
                "--input-topic",
                input,
                "--output-topic",
                output,
                "--dlq-topic",
                output + ".dlq",
                "--state-backend",
                "rocksdb",
                "--parallelism",
                Integer.toString(parallelism),
                "--set",
                "job.name=" + name,
                "--set",
                "kafka.group-id=" + name,
                "--set",
                "checkpoint.interval-ms=1000",
                "--set",
                "order.max-out-of-orderness-ms=500",
                "--set",
                "order.idle-timeout-ms=0"));
        args.addAll(List.of(extra));
        return args;
    }

    /** Runs the whole scenario; every check is an assertion. */
    void run() throws Exception {
        String input = createTopic("cluster-ticks", 2);
        String output = createTopic("cluster-forecasts", 2);
        createTopic(output + ".dlq", 2);
        String images = createTopic("cluster-images", 2);
        String imageOut = createTopic("cluster-image-predictions", 2);
        createTopic(imageOut + ".dlq", 2);
        // The shipped job files read model updates: both jobs run with the control input.
        createTopic("model-updates", 1);
        createTopic("model-updates.status", 1);
        String imageModelV2 = cluster.placeModel(
                "fashion-cnn-v2.onnx",
                java.nio.file.Files.readAllBytes(java.nio.file.Path.of("models/fashion-cnn.onnx")));

        String imageJob = rest().run(
                        cluster.jarId(),
                        List.of(
                                "image-classifier",
                                "--bootstrap",
                                cluster.jobBootstrap(),
                                "--input-topic",
                                images,
                                "--output-topic",
                                imageOut,
                                "--dlq-topic",
                                imageOut + ".dlq",
                                "--set",
                                "job.name=cluster-images",
                                "--set",
                                "model-updates.allowed-locations="
                                        + imageModelV2.substring(0, imageModelV2.lastIndexOf('/') + 1)),
                        null,
                        null);
        String tickJob = rest().run(cluster.jarId(), tickArgs(input, output, "cluster-ticks", 2), null, null);
        rest().awaitAllTasksRunning(tickJob, Duration.ofSeconds(90));
        rest().awaitAllTasksRunning(imageJob, Duration.ofSeconds(90));

        // Phase 1, then a TaskManager dies mid-stream and a replacement starts.
        produceTicks(input, 0);
        produceImages(images, 0, 60);
        awaitCount(output, KEYS * (STEPS_PER_PHASE - 1));
        cluster.killTaskManager();
        cluster.startTaskManager();
        produceTicks(input, 1);
        produceImages(images, 60, 60);
        awaitCount(output, KEYS * (2 * STEPS_PER_PHASE - 1));

        // Phase 3 at parallelism 1, from a savepoint: a rescale from 2 to 1.
        String savepoint1 = rest().stopWithSavepoint(tickJob, cluster.savepointsDir(), Duration.ofSeconds(60));
        String resumed = rest().run(cluster.jarId(), tickArgs(input, output, "cluster-ticks", 1), null, savepoint1);
        produceTicks(input, 2);
        awaitCount(output, KEYS * (3 * STEPS_PER_PHASE - 1));

        // Phase 4 at parallelism 2 again: a rescale from 1 to 2; then flush ticks release the rest.
        String savepoint2 = rest().stopWithSavepoint(resumed, cluster.savepointsDir(), Duration.ofSeconds(60));
        String rescaled = rest().run(cluster.jarId(), tickArgs(input, output, "cluster-ticks", 2), null, savepoint2);
        produceTicks(input, 3);
        produceFlushTicks(input);
        Map<String, List<String>> interrupted = awaitForecasts(output, KEYS * PHASES * STEPS_PER_PHASE);
        String savepoint3 = rest().stopWithSavepoint(rescaled, cluster.savepointsDir(), Duration.ofSeconds(60));

        // The reference: the same input from the start, uninterrupted, on a fresh consumer group.
        String referenceOut = createTopic("cluster-forecasts-reference", 2);
        createTopic(referenceOut + ".dlq", 2);
        String reference =
                rest().run(cluster.jarId(), tickArgs(input, referenceOut, "cluster-reference", 2), null, null);
        Map<String, List<String>> uninterrupted = awaitForecasts(referenceOut, KEYS * PHASES * STEPS_PER_PHASE);
        rest().cancel(reference);

        assertThat(interrupted).hasSize(KEYS);
        assertThat(interrupted).isEqualTo(uninterrupted);

        checkReporter();
        checkImages(imageOut, 120);
        // Metrics count per task attempt: the restart after the TaskManager crash began again at 0,
        // so only the dead letter read since then is sure to be in the count (the topic has both).
        assertThat(awaitMetric(imageJob, "UNDECODABLE_IMAGE", 1))
                .as("dead-letter metric of the image job")
                .isBetween(1L, 2L);
        checkLiveModelUpdate(images, imageOut, imageModelV2);
        checkModelChange(savepoint3, input, output);
        cluster.checkOnnxRuntimeLoadedOncePerProcess();
        rest().cancel(imageJob);
    }

    /** Step s of every key for the phase's steps, keys interleaved, in event-time order. */
    private void produceTicks(String topic, int phase) {
        try (CheckedSender sender = new CheckedSender(hostBootstrap)) {
            for (int step = phase * STEPS_PER_PHASE; step < (phase + 1) * STEPS_PER_PHASE; step++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = SyntheticTicks.key(k);
                    String json = String.format(
                            Locale.ROOT, "{\"ts\":%d,\"value\":%s}", SERIES.timestamp(step), SERIES.value(k, step));
                    sender.send(topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
                }
            }
            sender.flush();
        }
    }

    /**
     * A later tick on each partition: moves every partition's watermark past all real ticks. A
     * minute past the last one is enough, and stays within order.max-future-ms (1 h), past which
     * the job would refuse it as FUTURE_TIMESTAMP without moving the watermark.
     */
    private void produceFlushTicks(String topic) {
        try (CheckedSender sender = new CheckedSender(hostBootstrap)) {
            for (int p = 0; p < 2; p++) {
                String json = "{\"ts\":" + SERIES.timestamp(PHASES * STEPS_PER_PHASE + 60) + ",\"value\":0}";
                sender.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        topic,
                        p,
                        ("flush-" + p).getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
            }
            sender.flush();
        }
    }

    private void produceImages(String topic, int from, int count) {
        SampleImages samples = SampleImages.loadBundled();
        try (CheckedSender sender = new CheckedSender(hostBootstrap)) {
            for (int i = from; i < from + count; i++) {
                sender.send(topic, SampleImages.key(i).getBytes(StandardCharsets.UTF_8), samples.png(i));
            }
            sender.send(
                    topic,
                    ("junk-" + from).getBytes(StandardCharsets.UTF_8),
                    "not an image".getBytes(StandardCharsets.UTF_8));
            sender.flush();
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted(List<String> topics, int atLeast, Duration timeout) {
        // Anything arriving later would be a duplicate: keep reading a little.
        return TopicReader.committed(clientProperties()).read(topics, atLeast, timeout, TopicReader.REPEAT_WINDOW);
    }

    private void awaitCount(String topic, int count) {
        assertThat(readCommitted(List.of(topic), count, Duration.ofSeconds(120)).size())
                .as("committed forecasts on %s", topic)
                .isGreaterThanOrEqualTo(count);
    }

    /** Each key's forecasts as "eventTime@step=outputs", in order; fails on duplicates. */
    private Map<String, List<String>> awaitForecasts(String topic, int count) {
        Map<String, List<String>> forecasts = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readCommitted(List.of(topic), count, Duration.ofSeconds(180))) {
            TickPrediction p = (TickPrediction) RecordDecoder.decodeAvro(record.value());
            ids.add(p.getId());
            forecasts
                    .computeIfAbsent(p.getKey(), k -> new ArrayList<>())
                    .add(p.getEventTime().toEpochMilli() + "@" + p.getStep() + "=" + p.getOutputs());
        }
        assertThat(ids).as("forecast ids on %s", topic).doesNotHaveDuplicates().hasSize(count);
        forecasts.values().forEach(list -> list.sort(null));
        return forecasts;
    }

    private void checkImages(String topic, int images) {
        List<ConsumerRecord<byte[], byte[]>> out =
                readCommitted(List.of(topic, topic + ".dlq"), images + 2, Duration.ofSeconds(60));
        List<String> ids = new ArrayList<>();
        int dead = 0;
        for (ConsumerRecord<byte[], byte[]> record : out) {
            Object value = RecordDecoder.decodeAvro(record.value());
            if (value instanceof ImagePrediction p) {
                ids.add(p.getId());
            } else {
                assertThat(((DeadLetter) value).getReason()).isEqualTo("UNDECODABLE_IMAGE");
                dead++;
            }
        }
        assertThat(ids).as("image predictions").doesNotHaveDuplicates().hasSize(images);
        assertThat(dead).as("image dead letters").isEqualTo(2);
    }

    /**
     * A model update of the running image job on the cluster's processes: a location outside the
     * allowed folder is refused, the next update accepted, and images sent after it are
     * classified by version 2, every one exactly once.
     */
    private void checkLiveModelUpdate(String images, String imageOut, String modelV2) {
        try (CheckedSender sender = new CheckedSender(hostBootstrap)) {
            for (String[] update : new String[][] {{"jobs/image-classifier.yaml", "x"}, {modelV2, "2"}}) {
                sender.send(
                        "model-updates",
                        null,
                        ("{\"job\":\"cluster-images\",\"uri\":\"" + update[0] + "\",\"version\":\"" + update[1] + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
            }
            sender.flush();
        }
        List<String> statuses = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                readCommitted(List.of("model-updates.status"), 2, Duration.ofSeconds(60))) {
            ModelStatus status = (ModelStatus) RecordDecoder.decodeAvro(record.value());
            statuses.add(status.getStatus() + " " + status.getVersion() + " -> " + status.getActiveVersion());
        }
        assertThat(statuses).containsExactly("REFUSED x -> 1", "ACCEPTED 2 -> 2");

        produceImages(images, 120, 20);
        List<String> ids = new ArrayList<>();
        int byV2 = 0;
        for (ConsumerRecord<byte[], byte[]> record : readCommitted(List.of(imageOut), 140, Duration.ofSeconds(60))) {
            ImagePrediction p = (ImagePrediction) RecordDecoder.decodeAvro(record.value());
            ids.add(p.getId());
            byV2 += p.getModelVersion().equals("2") ? 1 : 0;
        }
        assertThat(ids).as("image predictions").doesNotHaveDuplicates().hasSize(140);
        assertThat(byV2).as("images classified by the updated model").isEqualTo(20);
    }

    /** Same savepoint, a model of another hidden size: refused with both shapes; accepted with a reset. */
    private void checkModelChange(String savepoint, String input, String output) throws Exception {
        String bigger = cluster.placeModel("random-esn-h32.onnx", DemoRnnTrainer.randomCell(1, 32, 1, 5));

        String refused = rest().run(
                        cluster.jarId(),
                        tickArgs(input, output, "cluster-ticks", 2, "--model", bigger),
                        null,
                        savepoint);
        rest().awaitState(refused, "FAILED", Duration.ofSeconds(90));
        assertThat(rest().get("/jobs/" + refused + "/exceptions").toString())
                .contains("restored hidden state has shape h[64] but model random-esn-h32 v1 expects h[32]");

        createTopic(output + "-reset", 2);
        createTopic(output + "-reset.dlq", 2);
        String reset = rest().run(
                        cluster.jarId(),
                        tickArgs(
                                input,
                                output + "-reset",
                                "cluster-reset",
                                2,
                                "--model",
                                bigger,
                                "--set",
                                "state.reset-on-model-change=true"),
                        null,
                        savepoint);
        rest().awaitAllTasksRunning(reset, Duration.ofSeconds(90));
        produceTicks(input, PHASES); // one more phase: every key steps, and its old state is reset
        long resets = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        while (resets < KEYS && System.currentTimeMillis() < deadline) {
            resets = metricSum(reset, "stateResets");
            Thread.sleep(500);
        }
        assertThat(resets).as("keys reset on the new model").isEqualTo(KEYS);
        assertThat(awaitMetric(reset, "predictions", KEYS * (STEPS_PER_PHASE - 1L)))
                .as("predictions metric of the reset job")
                .isEqualTo(KEYS * (STEPS_PER_PHASE - 1L));
        // Counted from the restored state at start-up, then kept: every key had state, and still has.
        assertThat(metricSum(reset, "liveKeys"))
                .as("live keys of the reset job")
                .isEqualTo(KEYS);
        rest().cancel(reset);
    }

    /** Where a Prometheus reporter runs, the operators' metrics are in what it serves. */
    private void checkReporter() throws Exception {
        String scraped = cluster.scrapeMetrics();
        if (scraped.isEmpty()) {
            return;
        }
        assertThat(scraped)
                .contains("_operator_predictions")
                .contains("_operator_batchSize")
                .contains("_operator_inferenceMicros")
                .contains("_operator_eventTimeLagMillis")
                .contains("_operator_model_version_active");
    }

    /** Polls a metric (summed over subtasks) until it reaches {@code expected} or a minute passes. */
    private long awaitMetric(String jobId, String metric, long expected) throws InterruptedException {
        long value = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        while (value < expected && System.currentTimeMillis() < deadline) {
            value = metricSum(jobId, metric);
            Thread.sleep(500);
        }
        return value;
    }

    private long metricSum(String jobId, String metric) {
        long sum = 0;
        for (JsonNode vertex : rest().get("/jobs/" + jobId).path("vertices")) {
            String base = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/metrics";
            for (JsonNode m : rest().get(base)) {
                String id = m.path("id").asText();
                if (id.endsWith("." + metric)) {
                    for (JsonNode value : rest().get(base + "?get=" + id)) {
                        sum += (long) Double.parseDouble(value.path("value").asText("0"));
                    }
                }
            }
        }
        return sum;
    }
}
