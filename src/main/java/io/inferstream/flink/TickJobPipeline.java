package io.inferstream.flink;

import io.inferstream.config.OutputFormat;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnStepper;
import io.inferstream.output.RecordEncoder;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.TickInput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Wires the tick job between Kafka topics: source, {@link TickForecasterJob#build}, two sinks. */
public final class TickJobPipeline {

    /**
     * How often the sources emit watermarks unless flink.pipeline.auto-watermark-interval says
     * otherwise. A tick is stepped when the watermark passes it, so Flink's default (200 ms) adds
     * up to that much to every forecast's latency (BENCHMARKS.md, tick latency).
     */
    public static final Duration WATERMARK_INTERVAL = Duration.ofMillis(10);

    /**
     * How long a partly filled network buffer may wait before it is sent on, unless
     * flink.execution.buffer-timeout.interval (or its older name execution.buffer-timeout) says
     * otherwise. A watermark travels in the buffer behind the ticks it releases and does not
     * flush it, so at a few thousand ticks/s Flink's default (100 ms) holds the watermark back
     * by about that much.
     */
    public static final Duration BUFFER_TIMEOUT = Duration.ofMillis(10);

    private TickJobPipeline() {}

    /**
     * Flink settings of the job: its state backend, watermark interval and buffer timeout under
     * the user's flink.* keys.
     */
    public static Configuration flinkConfiguration(TickJobConfig config) {
        Configuration conf = JobEnvironments.flinkConfiguration(
                config.common,
                Map.of(
                        "state.backend.type",
                        config.stateBackend,
                        "execution.checkpointing.incremental",
                        Boolean.toString(config.stateBackend.equals("rocksdb"))));
        JobEnvironments.setUnlessUserSet(
                conf, config.common, PipelineOptions.AUTO_WATERMARK_INTERVAL, WATERMARK_INTERVAL);
        JobEnvironments.setUnlessUserSet(conf, config.common, ExecutionOptions.BUFFER_TIMEOUT, BUFFER_TIMEOUT);
        return conf;
    }

    /**
     * Checks the model against the RNN-cell contract (a mismatch fails here, at start-up, naming
     * the shapes) and the execution provider (onnx.*), and adds the whole Kafka-to-Kafka job to
     * the environment.
     */
    public static RnnCellSpec wire(StreamExecutionEnvironment env, TickJobConfig config) {
        return wire(env, config, RnnStepOperator::liveCell);
    }

    /**
     * The same, stepping the cell {@code cell} makes of the configuration and the checked model:
     * a benchmark hands in one that does no inference.
     */
    public static RnnCellSpec wire(
            StreamExecutionEnvironment env,
            TickJobConfig config,
            BiFunction<TickJobConfig, RnnCellSpec, ServedModel<RnnStepper>> cell) {
        RnnForecasting forecasting = forecasting(env, config, cell);
        PredictionSizes.checkTick(config.common, forecasting.spec());
        sinks(forecasting.apply(source(env, config)), config);
        return forecasting.spec();
    }

    /**
     * The job's transformation, checked, for ticks from {@link #source} (which carry their
     * watermarks), with model updates from the configured topic: what {@link #wire} puts between
     * the source and the sinks.
     */
    public static RnnForecasting forecasting(
            StreamExecutionEnvironment env,
            TickJobConfig config,
            BiFunction<TickJobConfig, RnnCellSpec, ServedModel<RnnStepper>> cell) {
        return RnnForecasting.builder()
                .config(config)
                .inspectFor(env)
                .servedModel(cell)
                .ticksWithWatermarks()
                .modelUpdates(KafkaIO.modelUpdates(env, config.common, config.modelUpdates, "tick"))
                .build();
    }

    /** Ticks from the input topic, parsed in the source so each partition has its own watermark. */
    public static DataStream<TickInput> source(StreamExecutionEnvironment env, TickJobConfig config) {
        StreamJobSettings s = config.common;
        return env.fromSource(
                        KafkaIO.source(s, new TickDeserializer(s.maxKeyBytes, config.maxFutureMs, config.inputMapping)),
                        TickInputs.watermarks(config),
                        "kafka: " + s.inputTopic)
                .uid("tick-source");
    }

    /**
     * Forecasts to the output topic keyed by series, dead letters to the dead-letter topic, and
     * with topics.alerts the forecasts of anomalous ticks to the alerts topic too.
     */
    public static void sinks(JobOutputs<ForecastRecord> outputs, TickJobConfig config) {
        OutputFormat format = config.common.outputFormat;
        outputs.sinkToKafka(
                config.common,
                config.modelUpdates,
                "tick",
                f -> f.key.getBytes(StandardCharsets.UTF_8),
                f -> RecordEncoder.encode(f, format));
        outputs.sinkAlertsToKafka(
                config.common,
                config.forecast.alertsTopic,
                "tick",
                f -> f.key.getBytes(StandardCharsets.UTF_8),
                f -> RecordEncoder.encode(f, format));
    }
}
