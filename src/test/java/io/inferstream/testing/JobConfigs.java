package io.inferstream.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration maps test jobs start from, as a jobs/*.yaml file would hold them: the keys
 * every job needs, and the groups of keys several tests set alike, each under one name.
 */
public final class JobConfigs {
    /** The bootstrap of a job whose records come from a test source or harness: never dialled. */
    public static final String NO_BROKER = "unused:9092";

    private final Map<String, Object> values = new HashMap<>();

    private JobConfigs(String bootstrap, Path model) {
        values.put("kafka.bootstrap", bootstrap);
        values.put("model.path", model.toString());
    }

    /** A job that reads no Kafka: the two required keys. */
    public static JobConfigs offline(Path model) {
        return new JobConfigs(NO_BROKER, model);
    }

    /** A job on a real broker, under its own name (and so its own checkpoints and transactions). */
    public static JobConfigs onBroker(String bootstrap, String jobName, Path model) {
        return new JobConfigs(bootstrap, model).set("job.name", jobName);
    }

    /** Its own topics, so tests on one broker never read each other's records. */
    public JobConfigs topics(String input, String output, String dlq) {
        return set("topics.input", input).set("topics.output", output).set("topics.dlq", dlq);
    }

    /** Checkpoints this often into {@code dir}: exactly-once output is committed on each. */
    public JobConfigs checkpointEvery(long intervalMs, Path dir) {
        return set("checkpoint.interval-ms", Long.toString(intervalMs)).set("checkpoint.dir", dir.toString());
    }

    /**
     * A few quick restarts, so that a failure the test injects restarts the job from its last
     * checkpoint at once, and a job that keeps failing fails the test.
     */
    public JobConfigs restartAfterInjectedFailure() {
        return set("flink.restart-strategy.type", "fixed-delay")
                .set("flink.restart-strategy.fixed-delay.attempts", "3")
                .set("flink.restart-strategy.fixed-delay.delay", "500 ms");
    }

    public JobConfigs set(String key, Object value) {
        values.put(key, value);
        return this;
    }

    /** A mutable copy, for the test's own keys. */
    public Map<String, Object> toMap() {
        return new HashMap<>(values);
    }
}
