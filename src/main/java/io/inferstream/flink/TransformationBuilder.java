package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.inference.ModelBytes;
import io.inferstream.inference.ModelContractException;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxSessions;
import io.inferstream.records.ModelUpdateRecord;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What the builders of {@link RnnForecasting} and {@link ImageClassification} share: the settings
 * their setters collect, live model updates, the environment the model is inspected for, the uid
 * prefix, and the checks of {@code build()}: the settings, and the model against its contract.
 *
 * @param <B> the concrete builder, returned by every setter
 * @param <C> the job configuration the settings are read into
 */
public abstract class TransformationBuilder<B extends TransformationBuilder<B, C>, C> {
    final TransformationSettings settings;
    private final String name;
    C config;
    DataStream<ModelUpdateRecord> updates;
    StreamExecutionEnvironment inspectFor;
    String uidPrefix = "";

    TransformationBuilder(String name, String... alsoJobOnly) {
        this.name = name;
        this.settings = new TransformationSettings(name, alsoJobOnly);
    }

    abstract B self();

    /** The ONNX model: a local file, or a URI every TaskManager can read (model.path; required). */
    public B modelPath(String path) {
        settings.put("modelPath", "model.path", path);
        return self();
    }

    /** Names the model's status records and dead letters, and the job model updates must name (job.name). */
    public B jobName(String jobName) {
        settings.put("jobName", "job.name", jobName);
        return self();
    }

    /**
     * Any other key of the job's configuration (model.* overrides, onnx.*, limits.*,
     * model-updates.allowed-locations ...), valued as in a job file. Keys of the shipped job's
     * Kafka I/O and cluster (kafka.*, topics.*, flink.* ...) are refused.
     */
    public B setting(String key, Object value) {
        settings.setting(key, value);
        return self();
    }

    /**
     * Live model updates (a control topic's records, e.g. {@link KafkaIO#modelUpdates}, or any
     * stream of your own), broadcast to every instance; updates naming another job.name are
     * refused on the model status stream. Without it the configured model serves throughout.
     */
    public B modelUpdates(DataStream<ModelUpdateRecord> modelUpdates) {
        this.updates = modelUpdates;
        return self();
    }

    /**
     * Checks the model as tasks of {@code env} will open it: with the configured execution
     * provider where they run in this JVM; otherwise, as by default, on the CPU after checking
     * that this ONNX Runtime build has the provider.
     */
    public B inspectFor(StreamExecutionEnvironment env) {
        this.inspectFor = env;
        return self();
    }

    /** Put before the operators' uids, so one job can hold two transformations. */
    public B uidPrefix(String prefix) {
        this.uidPrefix = prefix == null ? "" : prefix;
        return self();
    }

    /** A whole job configuration instead of setters: the shipped job's path. */
    B config(C jobConfig) {
        this.config = jobConfig;
        return self();
    }

    /** The configuration handed in, or the setters' settings read and checked by {@code read}. */
    C checkedConfig(Function<Map<String, Object>, C> read) {
        if (config != null && !settings.isEmpty()) {
            throw new ConfigException(name + ": a job configuration and setters at once; expected one");
        }
        return config != null ? config : settings.read(read);
    }

    /**
     * The model at {@code modelPath} read and checked by {@code inspect} against {@code contract},
     * with {@code onnx} as tasks of the {@link #inspectFor} environment will open it; a misfit is
     * reported with the setter that named the model, as it was for the shipped job's configuration.
     */
    <S> S inspected(
            String modelPath, OnnxOptions onnx, String contract, BiFunction<ModelBytes, OnnxOptions, S> inspect) {
        try {
            return inspect.apply(ModelFiles.read(modelPath), inspectionOptions(inspectFor, onnx));
        } catch (ModelContractException e) {
            if (config != null) {
                throw e;
            }
            // The shapes are in the message; the builder adds which model and which contract.
            throw new ModelContractException(
                    name + ": modelPath(" + modelPath + ") does not fit the " + contract + " contract: "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Options model checks run with: as tasks of {@code env} will open the model; without an
     * environment, as on a cluster client.
     */
    private static OnnxOptions inspectionOptions(StreamExecutionEnvironment env, OnnxOptions onnx) {
        if (env != null) {
            return JobEnvironments.inspectionOptions(env, onnx);
        }
        OnnxSessions.checkProvider(onnx);
        return onnx.onCpu();
    }

    /** A refused setting, naming the setter that set it where there was one. */
    ConfigException refusal(ConfigException e) {
        return config != null ? e : settings.refusal(e);
    }
}
