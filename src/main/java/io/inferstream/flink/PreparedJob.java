package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.ConfigFiles;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.ModelUpdateSettings;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.config.TickJobConfig;
import io.inferstream.kafka.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A job chosen by name with its configuration checked: what the launcher needs to create its
 * topics, its Flink environment and its pipeline, for either job.
 */
public final class PreparedJob {
    public static final List<String> JOBS = List.of(ImageJobConfig.JOB, TickJobConfig.JOB);

    public final String name;
    public final StreamJobSettings settings;
    public final Configuration flinkConfiguration;
    public final ModelUpdateSettings modelUpdates;
    private final Function<StreamExecutionEnvironment, Object> wiring;
    /** Output topics beyond the shared ones (the tick job's alerts topic), created with the rest. */
    private final List<String> extraOutputTopics;

    private PreparedJob(
            String name,
            StreamJobSettings settings,
            ModelUpdateSettings modelUpdates,
            Configuration flinkConfiguration,
            Function<StreamExecutionEnvironment, Object> wiring) {
        this(name, settings, modelUpdates, flinkConfiguration, wiring, List.of());
    }

    private PreparedJob(
            String name,
            StreamJobSettings settings,
            ModelUpdateSettings modelUpdates,
            Configuration flinkConfiguration,
            Function<StreamExecutionEnvironment, Object> wiring,
            List<String> extraOutputTopics) {
        this.extraOutputTopics = extraOutputTopics;
        this.name = name;
        this.settings = settings;
        this.modelUpdates = modelUpdates;
        this.flinkConfiguration = flinkConfiguration;
        this.wiring = wiring;
    }

    /** The job's default configuration file: jobs/NAME.yaml. */
    public static Path defaultConfigFile(String job) {
        return Path.of("jobs", job + ".yaml");
    }

    /** Checks the name and the configuration values (file values with overrides on top). */
    public static PreparedJob prepare(String job, Map<String, Object> values) {
        if (job.equals(ImageJobConfig.JOB)) {
            ImageJobConfig config = ImageJobConfig.from(values);
            return new PreparedJob(
                    job,
                    config.common,
                    config.modelUpdates,
                    JobEnvironments.flinkConfiguration(config.common),
                    env -> ImageJobPipeline.wire(env, config));
        }
        if (job.equals(TickJobConfig.JOB)) {
            TickJobConfig config = TickJobConfig.from(values);
            return new PreparedJob(
                    job,
                    config.common,
                    config.modelUpdates,
                    TickJobPipeline.flinkConfiguration(config),
                    env -> TickJobPipeline.wire(env, config),
                    config.forecast.alertsTopic == null ? List.of() : List.of(config.forecast.alertsTopic));
        }
        throw new IllegalArgumentException("job '" + job + "': expected one of " + String.join(", ", JOBS));
    }

    /** Loads the configuration file, applies overrides, and prepares the job. */
    public static PreparedJob load(String job, Path configFile, Map<String, Object> overrides) {
        if (!JOBS.contains(job)) {
            throw new IllegalArgumentException("job '" + job + "': expected one of " + String.join(", ", JOBS));
        }
        Map<String, Object> values = new java.util.LinkedHashMap<>(
                ConfigFiles.load(configFile != null ? configFile : defaultConfigFile(job)));
        values.putAll(overrides);
        return prepare(job, values);
    }

    /** Checks the model and adds the Kafka-to-Kafka pipeline; returns the model's description. */
    public String wire(StreamExecutionEnvironment env) {
        return String.valueOf(wiring.apply(env));
    }

    /**
     * Creates the job's missing topics when its configuration asks for it (topics.create); else,
     * with live model updates on, checks that the control and status topics exist, since a job
     * reading a missing control topic would fail only once it runs. An existing fence topic must
     * be compacted.
     */
    public void createTopicsIfAsked() {
        Properties admin = KafkaIO.clientProperties(settings);
        admin.put("bootstrap.servers", settings.bootstrapServers);
        if (settings.createTopics) {
            Topics.ensure(admin, topics());
            if (settings.fenceEnabled) {
                Topics.ensureCompacted(admin, settings.fenceTopic);
            }
            return;
        }
        if (settings.fenceEnabled) {
            checkFenceTopic(admin);
        }
        if (modelUpdates.enabled) {
            for (String[] topic : new String[][] {
                {"model-updates.topic", modelUpdates.topic}, {"model-updates.status-topic", modelUpdates.statusTopic}
            }) {
                if (!Topics.exists(admin, topic[1])) {
                    throw ConfigException.of(
                            topic[0],
                            topic[1],
                            "an existing topic on " + settings.bootstrapServers + " (create it with one partition, or"
                                    + " run with --create-topics), or model-updates.enabled: false");
                }
            }
        }
    }

    /**
     * A fence topic that exists must keep every registration for good: under time retention an
     * old instance's registration would expire, and restarting it would register it as the
     * newest. A missing one is created, compacted, by the job's fence when it starts.
     */
    private void checkFenceTopic(Properties admin) {
        String policy = Topics.cleanupPolicy(admin, settings.fenceTopic);
        if (policy != null && (!policy.contains("compact") || policy.contains("delete"))) {
            throw ConfigException.of(
                    "fence.topic",
                    settings.fenceTopic,
                    "a topic with cleanup.policy=compact, one partition (it has cleanup.policy=" + policy
                            + "), a topic name not in use, or fence.enabled: false");
        }
    }

    /** Input, output and dead-letter topics with the partition count for creating them. */
    public Map<String, Integer> topics() {
        Map<String, Integer> topics = new java.util.LinkedHashMap<>();
        topics.put(settings.inputTopic, settings.topicPartitions);
        topics.put(settings.outputTopic, settings.topicPartitions);
        topics.put(settings.deadLetterTopic, settings.topicPartitions);
        extraOutputTopics.forEach(topic -> topics.put(topic, settings.topicPartitions));
        if (modelUpdates.enabled) {
            // One partition: every instance must see the updates in the order they were sent.
            topics.put(modelUpdates.topic, 1);
            topics.put(modelUpdates.statusTopic, 1);
        }
        return topics;
    }
}
