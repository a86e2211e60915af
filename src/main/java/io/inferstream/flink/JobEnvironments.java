package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.SecretReferences;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxSessions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
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
            // One folder per job name, so that a restart finds what the same job left (JobCheckpoints).
            Path jobDir = JobCheckpoints.jobDir(s);
            values.put("execution.checkpointing.dir", jobDir.toUri().toString());
            values.put(
                    "execution.checkpointing.savepoint-dir",
                    JobCheckpoints.savepointsDir(jobDir).toUri().toString());
            values.put("execution.checkpointing.storage", "filesystem");
            // Kept when the job is cancelled or its process dies: a restart resumes from it.
            values.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        }
        values.putAll(jobDefaults);
        s.flinkSettings.keySet().forEach(JobEnvironments::refuseUnmaskedSecret);
        values.putAll(s.flinkSettings);
        return Configuration.fromMap(values);
    }

    /**
     * Sets {@code option} to the job's default {@code value} unless the user's flink.* keys set
     * it, under its own key or one of its older names (which the job's value under the current
     * key would otherwise override).
     */
    public static <T> void setUnlessUserSet(Configuration conf, StreamJobSettings s, ConfigOption<T> option, T value) {
        if (!Configuration.fromMap(s.flinkSettings).contains(option)) {
            conf.set(option, value);
        }
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

    /**
     * The session options to check a model with where the job starts, before it is submitted.
     * Where its tasks run in this JVM (a local MiniCluster), the job's own options: a provider
     * that cannot be used here fails now, naming the key, or falls back. Elsewhere (a cluster
     * client, or a JobManager) this process need not have a GPU: only that this ONNX Runtime
     * build has the provider is checked, and the model is inspected on the CPU; each TaskManager
     * then opens it on the provider and fails or falls back by the same rule.
     */
    public static OnnxOptions inspectionOptions(StreamExecutionEnvironment env, OnnxOptions onnx) {
        if (env instanceof LocalStreamEnvironment) {
            return onnx;
        }
        OnnxSessions.checkProvider(onnx);
        return onnx.onCpu();
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
