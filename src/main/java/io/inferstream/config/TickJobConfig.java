package io.inferstream.config;

import io.inferstream.inference.ModelMetadataKeys;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.input.TickMapping;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;

/**
 * The tick forecasting job's configuration, from {@code jobs/tick-forecaster.yaml} and
 * command-line overrides; every value is checked here, before the job is built.
 */
public final class TickJobConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String JOB = "tick-forecaster";
    /** Keys stepped per ONNX Runtime call unless batch.max-size says otherwise. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 256;

    public final StreamJobSettings common;
    public final String modelPath;
    /** Metadata keys the configuration overrides (tensor names, standardization, transform). */
    public final Map<String, String> modelOverrides;

    public final int maxBatchSize;
    /** How far behind the newest tick a tick may arrive and still be applied in order. */
    public final long maxOutOfOrdernessMs;
    /**
     * How far ahead of the wall clock (and of its partition's newest tick) a tick's event time may
     * be; beyond it the tick is a dead letter, so a time in microseconds never moves the watermark.
     */
    public final long maxFutureMs;
    /** A Kafka partition without ticks for this long stops holding the watermark back; 0: never. */
    public final long idleTimeoutMs;
    /** A key whose last tick is older than this (in event time) starts again from the initial state; 0: never. */
    public final long stateTtlMs;
    /** hashmap or rocksdb. */
    public final String stateBackend;
    /** Start every key from the initial state when restored state does not fit the model's state shapes. */
    public final boolean resetStateOnModelChange;

    /** Where key, time and values sit in the topic's records (input.*); the default reads today's formats. */
    public final TickMapping inputMapping;

    /** Intra-op threads and execution provider of every ONNX Runtime session (onnx.*). */
    public final OnnxOptions onnx;
    /** The control topic for live model updates and where their models may come from. */
    public final ModelUpdateSettings modelUpdates;
    /** Horizon, prediction intervals and anomaly flags (forecast.*, anomaly.*, topics.alerts). */
    public final ForecastSettings forecast;

    private TickJobConfig(Settings s) {
        this(s, true);
    }

    private TickJobConfig(Settings s, boolean kafka) {
        this.common = kafka
                ? StreamJobSettings.read(s, JOB, "ticks", "tick-predictions")
                : StreamJobSettings.readWithoutKafka(s, JOB);
        this.modelPath = s.modelLocation("model.path", "the ONNX RNN cell");
        Path model = Path.of(ModelOverrideSettings.sidecarBase(modelPath));
        this.modelOverrides = new ModelOverrideSettings(s, model)
                .scalar("model.name", ModelMetadataKeys.NAME)
                .scalar("model.version", ModelMetadataKeys.VERSION)
                .scalar("model.input-name", ModelMetadataKeys.RNN_INPUT)
                .commaList("model.state-inputs", ModelMetadataKeys.RNN_STATE_INPUTS)
                .commaList("model.state-outputs", ModelMetadataKeys.RNN_STATE_OUTPUTS)
                .scalar("model.output-name", ModelMetadataKeys.RNN_OUTPUT)
                .commaList("model.batch-axis", ModelMetadataKeys.RNN_BATCH_AXIS)
                .commaList("model.state-batch-axis", ModelMetadataKeys.RNN_STATE_BATCH_AXIS)
                .jsonList("model.output-names", ModelMetadataKeys.OUTPUT_NAMES)
                .commaList("model.mean", ModelMetadataKeys.INPUT_MEAN)
                .commaList("model.std", ModelMetadataKeys.INPUT_STD)
                .commaList("model.output-mean", ModelMetadataKeys.OUTPUT_MEAN)
                .commaList("model.output-std", ModelMetadataKeys.OUTPUT_STD)
                .value(ModelMetadataKeys.INPUT_TRANSFORM, s.choice("model.transform", null, "none", "log-return"))
                .values();
        this.inputMapping = InputMappingSettings.tick(s);
        this.maxBatchSize = s.intValue("batch.max-size", DEFAULT_MAX_BATCH_SIZE, 1, 65_536);
        this.maxOutOfOrdernessMs = s.longValue("order.max-out-of-orderness-ms", 1000, 0, 86_400_000);
        this.maxFutureMs = s.longValue("order.max-future-ms", 3_600_000, 1, 31_622_400_000L);
        this.idleTimeoutMs = s.longValue("order.idle-timeout-ms", 0, 0, 86_400_000);
        this.stateTtlMs = s.longValue("state.ttl-ms", 0, 0, Long.MAX_VALUE / 2);
        this.stateBackend = s.choice("state.backend", "hashmap", "hashmap", "rocksdb");
        this.resetStateOnModelChange = s.bool("state.reset-on-model-change", false);
        this.onnx = OnnxSettings.read(s);
        this.modelUpdates = ModelUpdateSettings.read(s, modelPath);
        this.forecast = ForecastSettings.read(s);
        String alerts = forecast.alertsTopic;
        if (alerts != null
                && (alerts.equals(common.inputTopic)
                        || alerts.equals(common.outputTopic)
                        || alerts.equals(common.deadLetterTopic))) {
            throw ConfigException.of(
                    ForecastSettings.ALERTS_TOPIC,
                    alerts,
                    "a topic other than topics.input, topics.output and topics.dlq");
        }
        s.rejectUnknown(JOB);
    }

    /** Builds and validates the configuration from flat keys (file values plus overrides). */
    public static TickJobConfig from(Map<String, Object> values) {
        return new TickJobConfig(new Settings(values));
    }

    /**
     * The settings of the forecasting transformation in a user's own job ({@code RnnForecasting}):
     * the same keys and checks, without a Kafka connection.
     */
    public static TickJobConfig forTransformation(Map<String, Object> values) {
        return new TickJobConfig(new Settings(values), false);
    }

    /** From settings already made (in tests). */
    static TickJobConfig from(Settings settings) {
        return new TickJobConfig(settings);
    }

    public Path modelFile() {
        return Path.of(modelPath);
    }
}
