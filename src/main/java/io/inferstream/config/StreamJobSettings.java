package io.inferstream.config;

import java.io.Serializable;
import java.util.Map;

/**
 * The settings every Inferstream job shares: Kafka connection and topics, output format,
 * delivery, parallelism and checkpointing, plus pass-through sections for Kafka client
 * properties ({@code kafka.properties.*}) and Flink configuration ({@code flink.*}).
 */
public final class StreamJobSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Default of {@code limits.max-key-bytes}. A key is repeated in every prediction and dead
     * letter and, in the tick job, is the key of the series' state; 1 KiB holds any id, UUID,
     * sensor path or usual URL, while a key large enough to matter (megabytes) is a mistake.
     */
    public static final int DEFAULT_MAX_KEY_BYTES = 1024;
    /**
     * Default of {@code output.max-record-bytes}: under the producer's and the broker's default
     * limits (max.request.size 1048576, message.max.bytes 1048588) with room for the record
     * batch's own overhead, so outputs fit topics created with default settings.
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

    /** Default of {@code fence.topic}: one registry for all jobs, keyed by job name and instance. */
    public static final String DEFAULT_FENCE_TOPIC = "inferstream.instances";

    public final String jobName;
    public final String bootstrapServers;
    public final String groupId;
    public final Map<String, String> kafkaProperties;
    public final String inputTopic;
    public final String outputTopic;
    public final String deadLetterTopic;
    public final boolean createTopics;
    public final int topicPartitions;
    public final OutputFormat outputFormat;
    public final Delivery delivery;
    public final int parallelism;
    public final String checkpointDir;
    public final long checkpointIntervalMs;
    public final Map<String, String> flinkSettings;
    /** Record keys, series keys, image sources and event ids longer than this (UTF-8) are refused. */
    public final int maxKeyBytes;
    /**
     * No record the job writes (key plus value) is larger: dead letters carry a truncated copy of
     * longer originals; the producer's max.request.size is set to fit.
     */
    public final int maxRecordBytes;
    /** Whether the job registers its instance and stops once a newer instance of the same job.name registers. */
    public final boolean fenceEnabled;
    /** The compacted one-partition topic where every instance of every job registers. */
    public final String fenceTopic;

    private StreamJobSettings(
            Settings s, String jobName, String defaultInput, String defaultOutput, boolean kafkaRequired) {
        this.jobName = s.string("job.name", jobName);
        this.bootstrapServers = kafkaRequired
                ? s.required("kafka.bootstrap", "HOST:PORT of a Kafka broker (--bootstrap)")
                : s.string("kafka.bootstrap", null);
        this.groupId = s.string("kafka.group-id", "inferstream-" + jobName);
        this.kafkaProperties = Map.copyOf(s.section("kafka.properties."));
        this.inputTopic = s.string("topics.input", defaultInput);
        this.outputTopic = s.string("topics.output", defaultOutput);
        this.deadLetterTopic = s.string("topics.dlq", defaultInput + ".dlq");
        this.createTopics = s.bool("topics.create", false);
        this.topicPartitions = s.intValue("topics.partitions", 2, 1, 10_000);
        this.outputFormat = OutputFormat.valueOf(
                s.choice("output.format", "avro", "avro", "json").toUpperCase());
        String delivery = s.choice("delivery", "exactly-once", "exactly-once", "at-least-once");
        this.delivery = Delivery.valueOf(delivery.toUpperCase().replace('-', '_'));
        this.parallelism = s.intValue("parallelism", 1, 1, 4096);
        this.checkpointDir = s.string("checkpoint.dir", null);
        this.checkpointIntervalMs = s.longValue("checkpoint.interval-ms", 1000, 10, 86_400_000);
        this.flinkSettings = Map.copyOf(s.section("flink."));
        this.maxKeyBytes = s.intValue("limits.max-key-bytes", DEFAULT_MAX_KEY_BYTES, 1, 65_536);
        this.maxRecordBytes =
                s.intValue("output.max-record-bytes", DEFAULT_MAX_RECORD_BYTES, 65_536, 256 * 1024 * 1024);
        this.fenceEnabled = s.bool("fence.enabled", true);
        this.fenceTopic = s.string("fence.topic", DEFAULT_FENCE_TOPIC);
        if (inputTopic.equals(outputTopic) || inputTopic.equals(deadLetterTopic)) {
            throw ConfigException.of("topics.input", inputTopic, "a topic other than topics.output and topics.dlq");
        }
    }

    /** Reads the shared settings; the caller reads its own keys and then rejects unknown ones. */
    public static StreamJobSettings read(Settings settings, String jobName, String defaultInput, String defaultOutput) {
        return new StreamJobSettings(settings, jobName, defaultInput, defaultOutput, true);
    }

    /**
     * The same for a transformation inside a user's own job (the DataStream API): the user's
     * sources and sinks do the I/O, so no Kafka broker is needed.
     */
    static StreamJobSettings readWithoutKafka(Settings settings, String jobName) {
        return new StreamJobSettings(settings, jobName, "unused-input", "unused-output", false);
    }
}
