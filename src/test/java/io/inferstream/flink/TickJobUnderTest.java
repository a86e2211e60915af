package io.inferstream.flink;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.TickInput;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Starts the Kafka-to-Kafka tick job on the test's MiniCluster as the shipped job is wired, with a
 * step of the test's own (a failure injector, say) on the ticks between the source and forecasting.
 */
final class TickJobUnderTest {

    private TickJobUnderTest() {}

    /**
     * Submits the job without waiting for it to run; model updates come from their topic where
     * {@code model-updates.enabled} is set. The caller cancels the returned job.
     */
    static JobClient start(TickJobConfig cfg, MapFunction<TickInput, TickInput> beforeForecasting, String jobName)
            throws Exception {
        RnnCellSpec spec = OnnxRnnCell.inspect(cfg.modelFile(), cfg.modelOverrides);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TickJobPipeline.flinkConfiguration(cfg));
        TickJobPipeline.sinks(
                TickForecasterJob.build(
                        TickJobPipeline.source(env, cfg).map(beforeForecasting).returns(TickInput.class),
                        KafkaIO.modelUpdates(env, cfg.common, cfg.modelUpdates, "tick"),
                        cfg,
                        spec),
                cfg);
        return env.executeAsync(jobName);
    }
}
