package io.inferstream.kafka;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the Kafka topics a job needs when they are missing, since brokers here never auto-create them. */
public final class Topics {

    /** Replicas per partition when the cluster is large enough; fewer on smaller clusters. */
    public static final short PREFERRED_REPLICATION_FACTOR = 3;

    private static final long TIMEOUT_SECONDS = 60;

    private Topics() {}

    /**
     * Creates the missing topics of {@code topicPartitions} (name to partition count), with a
     * replication factor of 3 or the cluster size if smaller; existing topics are left as they are.
     *
     * @return the names of the topics this call created
     */
    public static Set<String> ensure(String bootstrapServers, Map<String, Integer> topicPartitions) {
        return ensure(clientProperties(bootstrapServers), topicPartitions);
    }

    /**
     * Like {@link #ensure(String, Map)}, with admin client properties (which must hold {@code
     * bootstrap.servers}) for clusters that need security or other settings.
     */
    public static Set<String> ensure(Properties adminProperties, Map<String, Integer> topicPartitions) {
        try (Admin admin = Admin.create(adminProperties)) {
            int brokers = await(admin.describeCluster().nodes(), "describe the cluster")
                    .size();
            short replicationFactor = (short) Math.min(PREFERRED_REPLICATION_FACTOR, brokers);
            return create(admin, topicPartitions, replicationFactor, Map.of());
        }
    }

    /**
     * Creates {@code topic} with one partition and {@code cleanup.policy=compact} if it is missing:
     * a log that keeps the last record of every key for good, whatever the time retention.
     *
     * @return whether this call created it
     */
    public static boolean ensureCompacted(Properties adminProperties, String topic) {
        try (Admin admin = Admin.create(adminProperties)) {
            int brokers = await(admin.describeCluster().nodes(), "describe the cluster")
                    .size();
            short replicationFactor = (short) Math.min(PREFERRED_REPLICATION_FACTOR, brokers);
            return !create(admin, Map.of(topic, 1), replicationFactor, Map.of("cleanup.policy", "compact"))
                    .isEmpty();
        }
    }

    /** The topic's cleanup.policy (delete, compact or both), or null if the topic does not exist. */
    public static String cleanupPolicy(Properties adminProperties, String topic) {
        try (Admin admin = Admin.create(adminProperties)) {
            if (!await(admin.listTopics().names(), "list topics").contains(topic)) {
                return null;
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = await(admin.describeConfigs(List.of(resource)).all(), "describe topic " + topic)
                    .get(resource);
            return config.get("cleanup.policy").value();
        }
    }

    /** Like {@link #ensure(Properties, Map)}, with an explicit replication factor. */
    public static Set<String> ensure(
            Properties adminProperties, Map<String, Integer> topicPartitions, short replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor is " + replicationFactor + "; expected 1 or more");
        }
        try (Admin admin = Admin.create(adminProperties)) {
            return create(admin, topicPartitions, replicationFactor, Map.of());
        }
    }

    /** Whether {@code topic} exists on the cluster at {@code bootstrapServers}. */
    public static boolean exists(String bootstrapServers, String topic) {
        return exists(clientProperties(bootstrapServers), topic);
    }

    /** Whether {@code topic} exists, asked with the given admin client properties. */
    public static boolean exists(Properties adminProperties, String topic) {
        try (Admin admin = Admin.create(adminProperties)) {
            return await(admin.listTopics().names(), "list topics").contains(topic);
        }
    }

    private static Set<String> create(
            Admin admin, Map<String, Integer> topicPartitions, short replicationFactor, Map<String, String> configs) {
        topicPartitions.forEach((topic, partitions) -> {
            if (partitions == null || partitions < 1) {
                throw new IllegalArgumentException(
                        "Topic " + topic + " has " + partitions + " partitions; expected 1 or more");
            }
        });
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        List<NewTopic> missing = topicPartitions.entrySet().stream()
                .filter(e -> !existing.contains(e.getKey()))
                .map(e -> new NewTopic(e.getKey(), e.getValue(), replicationFactor).configs(configs))
                .collect(Collectors.toList());
        CreateTopicsResult result = admin.createTopics(missing);
        Set<String> created = new TreeSet<>();
        for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
            try {
                entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                // Another job or test created it between listing and creating: that is what we wanted.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + entry.getKey() + ": " + e.getCause(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "Creating topic " + entry.getKey() + " took longer than " + TIMEOUT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + entry.getKey(), e);
            }
        }
        return created;
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot " + what + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Could not " + what + " within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what, e);
        }
    }

    private static Properties clientProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return properties;
    }
}
