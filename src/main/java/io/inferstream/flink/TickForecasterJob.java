package io.inferstream.flink;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.TickInput;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The tick forecasting topology, apart from its I/O: ticks with event time in, one forecast per
 * tick and dead letters out. Kafka, the demo, the benchmarks and the tests plug into {@link #build}.
 */
public final class TickForecasterJob {

    private TickForecasterJob() {}

    /**
     * Builds validate, key by series, and the stateful RNN step on {@code ticks}, which must
     * carry timestamps and watermarks ({@link TickInputs#watermarks}).
     */
    public static JobOutputs<ForecastRecord> build(
            DataStream<TickInput> ticks, TickJobConfig config, RnnCellSpec spec) {
        SingleOutputStreamOperator<TickInput> valid = ticks.process(new TickValidateFunction(config, spec))
                .name("validate ticks")
                .uid("tick-validate");
        SingleOutputStreamOperator<ForecastRecord> forecasts = valid.keyBy(tick -> tick.key, Types.STRING)
                .transform(
                        "step " + spec.modelName + " per key (batch " + config.maxBatchSize + ")",
                        TypeInformation.of(ForecastRecord.class),
                        new RnnStepOperator(config, spec))
                .uid("rnn-step");
        DataStream<DeadLetterRecord> dead = valid.getSideOutput(TickValidateFunction.DEAD_LETTERS)
                .union(forecasts.getSideOutput(RnnStepOperator.DEAD_LETTERS));
        return new JobOutputs<>(forecasts, dead);
    }
}
