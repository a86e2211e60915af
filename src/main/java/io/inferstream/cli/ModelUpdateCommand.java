package io.inferstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferstream.avro.ModelStatus;
import io.inferstream.local.KafkaClients;
import io.inferstream.output.RecordDecoder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Sends a model update to a running job's control topic and prints what each parallel instance
 * answered on the status topic: accepted (now serving it) or refused (with the reason).
 */
@Command(
        name = "update",
        mixinStandardHelpOptions = true,
        description = "Ship a new model to a running job (control topic) and wait for its instances' answers.")
final class ModelUpdateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job.name of the job to update.")
    String job;

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--uri",
            required = true,
            description = "The new model: a path or file system URI under the job's model-updates.allowed-locations.")
    String uri;

    @Option(names = "--model-version", required = true, description = "The version its predictions will carry.")
    String version;

    @Option(
            names = "--reset-state",
            description = "Tick job: accept other hidden-state shapes, starting every key afresh.")
    boolean resetState;

    @Option(
            names = "--topic",
            defaultValue = "model-updates",
            description = "Control topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--status-topic",
            defaultValue = "model-updates.status",
            description = "Status topic (default: ${DEFAULT-VALUE}).")
    String statusTopic;

    @Option(
            names = "--instances",
            defaultValue = "1",
            description = "Answers to wait for: the parallelism of the job's inference operator (default: 1).")
    int instances;

    @Option(names = "--wait-s", defaultValue = "60", description = "Longest wait for the answers (default: 60).")
    long waitSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(statusTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(statusTopic, p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("status topic '" + statusTopic + "' does not exist on " + bootstrap
                        + "; expected the topic of the job's model-updates.status-topic");
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the start before the update goes out

            // Answers are matched by this id, not by version: a refused update may have no usable version.
            String requestId = UUID.randomUUID().toString();
            ObjectNode update = JSON.createObjectNode()
                    .put("job", job)
                    .put("uri", uri)
                    .put("version", version)
                    .put("reset-state", resetState)
                    .put("request-id", requestId);
            producer.send(new ProducerRecord<>(
                            topic, job.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(update)))
                    .get();
            out.println(
                    "sent " + update + " to " + topic + "; waiting for " + instances + " answer(s) on " + statusTopic);

            int answers = 0;
            int refused = 0;
            long deadline = System.currentTimeMillis() + waitSeconds * 1000;
            while (answers < instances && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Status status = Status.read(record.value());
                    if (status == null || !job.equals(status.job) || !requestId.equals(status.requestId)) {
                        continue;
                    }
                    answers++;
                    if (!status.status.equals("ACCEPTED")) {
                        refused++;
                    }
                    out.println("instance " + status.subtask + ": " + status.status + ", serving version "
                            + status.activeVersion + (status.reason == null ? "" : " (" + status.reason + ")"));
                }
                out.flush();
            }
            if (answers < instances) {
                spec.commandLine()
                        .getErr()
                        .println("error: " + answers + " of " + instances + " instance(s) of " + job
                                + " answered within " + waitSeconds
                                + " s; expected a running job with model-updates.enabled:"
                                + " true reading " + topic
                                + " (answers show once the job's next checkpoint completes)");
                return 2;
            }
            return refused == 0 ? 0 : 1;
        }
    }

    /** A status record, Avro or JSON. */
    private record Status(
            String job, int subtask, String status, String activeVersion, String reason, String requestId) {
        static Status read(byte[] value) {
            if (RecordDecoder.decodeAvro(value) instanceof ModelStatus s) {
                return new Status(
                        s.getJob(),
                        s.getSubtask(),
                        s.getStatus(),
                        s.getActiveVersion(),
                        s.getReason(),
                        s.getRequestId());
            }
            try {
                JsonNode n = JSON.readTree(value);
                return new Status(
                        n.path("job").asText(),
                        n.path("subtask").asInt(),
                        n.path("status").asText(),
                        n.path("activeVersion").asText(),
                        n.hasNonNull("reason") ? n.get("reason").asText() : null,
                        n.hasNonNull("requestId") ? n.get("requestId").asText() : null);
            } catch (Exception e) {
                return null;
            }
        }
    }
}
