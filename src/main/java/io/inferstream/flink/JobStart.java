package io.inferstream.flink;

import io.inferstream.config.StreamJobSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a job starts: from a checkpoint or savepoint of the same job, or afresh. A fresh start
 * over a consumer group that has committed input offsets would lose what the state held (ticks
 * waiting for the watermark, every key's hidden state) while skipping the input it came from, so
 * it is refused unless asked for.
 *
 * @param restorePath the checkpoint or savepoint to resume from; null to start afresh
 * @param description one line saying which, for the console
 */
public record JobStart(String restorePath, String description) {
    private static final long ADMIN_TIMEOUT_S = 30;

    /**
     * Decides the start of a job.
     *
     * @param given a restore path the user gave (execution.state-recovery.path, --from-savepoint), or null
     * @param fromScratch whether the user asked to start afresh whatever was kept
     * @param searched the job's checkpoint folder searched for the latest snapshot, or null for none
     * @throws IllegalArgumentException for a fresh start over committed offsets not asked for
     */
    public static JobStart decide(StreamJobSettings s, String given, boolean fromScratch, Path searched) {
        if (given != null && fromScratch) {
            throw new IllegalArgumentException(
                    "--from-scratch and a restore path (" + given + ") were both given;" + " expected one of them");
        }
        if (given != null) {
            return new JobStart(given, "resuming from " + given + " (given)");
        }
        Optional<Path> latest = searched == null ? Optional.empty() : JobCheckpoints.latest(searched);
        if (fromScratch) {
            Map<TopicPartition, Long> committed = committedInputOffsets(s);
            return new JobStart(
                    null,
                    "starting from scratch, as asked: "
                            + latest.map(p -> "not resuming from " + p + "; ").orElse("")
                            + "every key's state starts empty; "
                            + (committed.isEmpty()
                                    ? "no offsets of group " + s.groupId + " on " + s.inputTopic
                                            + ", so input starts at the earliest offset"
                                    : "input resumes at the offsets group " + s.groupId + " committed on "
                                            + s.inputTopic + " " + describe(committed)
                                            + ": input before them is not read again, and what the lost state"
                                            + " held (inputs waiting for the watermark) is not processed"));
        }
        if (latest.isPresent()) {
            return new JobStart(latest.get().toString(), "resuming from " + latest.get());
        }
        Map<TopicPartition, Long> committed = committedInputOffsets(s);
        if (!committed.isEmpty()) {
            throw new IllegalArgumentException("consumer group " + s.groupId + " has committed offsets on "
                    + s.inputTopic + " " + describe(committed) + ", but no checkpoint or savepoint of job "
                    + s.jobName + (searched == null ? " was given" : " is in " + searched)
                    + "; starting afresh would lose what that state held. Expected the checkpoint dir of the"
                    + " earlier run (--checkpoint-dir), a savepoint (--set"
                    + " flink.execution.state-recovery.path=PATH), or --from-scratch to start with empty"
                    + " state at the committed offsets");
        }
        return new JobStart(
                null,
                "starting afresh: no checkpoint or savepoint of job " + s.jobName
                        + (searched == null ? "" : " in " + searched) + ", no offsets of group " + s.groupId
                        + " on " + s.inputTopic);
    }

    /** The input topic's offsets the job's consumer group committed, by partition. */
    public static Map<TopicPartition, Long> committedInputOffsets(StreamJobSettings s) {
        Properties admin = KafkaIO.clientProperties(s);
        admin.put("bootstrap.servers", s.bootstrapServers);
        try (Admin client = Admin.create(admin)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = client.listConsumerGroupOffsets(s.groupId)
                    .partitionsToOffsetAndMetadata()
                    .get(ADMIN_TIMEOUT_S, TimeUnit.SECONDS);
            Map<TopicPartition, Long> input = new TreeMap<>(
                    java.util.Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
            offsets.forEach((partition, offset) -> {
                if (offset != null && partition.topic().equals(s.inputTopic)) {
                    input.put(partition, offset.offset());
                }
            });
            return input;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalArgumentException(
                    "cannot read the committed offsets of consumer group " + s.groupId + " from "
                            + s.bootstrapServers + " within " + ADMIN_TIMEOUT_S + " s (" + e
                            + "); expected a reachable Kafka cluster (kafka.bootstrap)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the offsets of group " + s.groupId, e);
        }
    }

    private static String describe(Map<TopicPartition, Long> committed) {
        StringBuilder text = new StringBuilder("(");
        committed.forEach((p, offset) -> text.append(text.length() > 1 ? ", " : "")
                .append("partition ")
                .append(p.partition())
                .append(" at ")
                .append(offset));
        return text.append(')').toString();
    }
}
