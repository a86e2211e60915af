package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.SecretReferences;
import io.inferstream.config.StreamJobSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Flink runtime settings for a job: checkpointing on (Kafka transactions and offsets commit on
 * checkpoints), the job's parallelism, and the user's flink.* keys on top.
 */
public final class JobEnvironments {

    private JobEnvironments() {}

    /** The Flink configuration derived from the job settings; flink.* keys win. */
    public static Configuration flinkConfiguration(StreamJobSettings s) {
        return flinkConfiguration(s, Map.of());
    }

    /** As above, with the job's own defaults (such as its state backend) under the user's flink.* keys. */
    public static Configuration flinkConfiguration(StreamJobSettings s, Map<String, String> jobDefaults) {
        Map<String, String> values = new HashMap<>();
        values.put("execution.checkpointing.interval", s.checkpointIntervalMs + " ms");
        values.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        values.put("parallelism.default", Integer.toString(s.parallelism));
        values.put("pipeline.name", s.jobName);
        // Safe here: no operator mutates or keeps a record it has emitted, and chained operators
        // then pass images by reference instead of copying every pixel array.
        values.put("pipeline.object-reuse", "true");
        if (s.checkpointDir != null) {
            values.put(
                    "execution.checkpointing.dir",
                    Path.of(s.checkpointDir).toAbsolutePath().toUri().toString());
            values.put("execution.checkpointing.storage", "filesystem");
        }
        values.putAll(jobDefaults);
        s.flinkSettings.keySet().forEach(JobEnvironments::refuseUnmaskedSecret);
        values.putAll(s.flinkSettings);
        return Configuration.fromMap(values);
    }

    /**
     * Flink shows its configuration in the web UI and the REST API (/jobmanager/config; on the
     * launcher's local runtime that is this configuration) and masks only the keys on its own
     * list. A key that looks like a secret to us but is not on Flink's list would show its value.
     */
    private static void refuseUnmaskedSecret(String key) {
        if (SecretReferences.isSecret(key) && !GlobalConfiguration.isSensitive(key)) {
            throw new ConfigException("flink." + key + " looks like a secret, but Flink shows the value of '" + key
                    + "' in its web UI and REST API (it masks only keys containing password, secret, token,"
                    + " jaas.config, apikey and the like); expected it in the Flink cluster's own configuration");
        }
    }

    /** The environment of the surrounding context: a cluster client, or a local MiniCluster. */
    public static StreamExecutionEnvironment get(StreamJobSettings s) {
        return StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(s));
    }

    /** A local MiniCluster with the Flink web UI on the given port (0 picks a free one). */
    public static StreamExecutionEnvironment localWithWebUi(Configuration flinkConfiguration, int restPort) {
        Configuration conf = new Configuration(flinkConfiguration);
        conf.setString("rest.port", Integer.toString(restPort));
        conf.setString("rest.bind-address", "127.0.0.1");
        conf.setString("rest.address", "127.0.0.1");
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }
}
