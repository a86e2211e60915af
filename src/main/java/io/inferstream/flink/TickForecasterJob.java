package io.inferstream.flink;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnStepper;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.ModelUpdateRecord;
import io.inferstream.records.TickInput;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The tick forecasting topology, apart from its I/O: ticks with event time in, one forecast per
 * tick and dead letters out. Kafka, the demo, the benchmarks and the tests plug into {@link #build}.
 */
public final class TickForecasterJob {

    private TickForecasterJob() {}

    /** The topology without live model updates. */
    public static JobOutputs<ForecastRecord> build(
            DataStream<TickInput> ticks, TickJobConfig config, RnnCellSpec spec) {
        return build(ticks, null, config, spec);
    }

    /** The topology serving the configured cell, replaced by {@code updates} where there are any. */
    public static JobOutputs<ForecastRecord> build(
            DataStream<TickInput> ticks,
            DataStream<ModelUpdateRecord> updates,
            TickJobConfig config,
            RnnCellSpec spec) {
        return build(ticks, updates, config, spec, RnnStepOperator.liveCell(config, spec));
    }

    /**
     * Builds validate, key by series, and the stateful RNN step serving {@code cell} on {@code
     * ticks}, which must carry timestamps and watermarks ({@link TickInputs#watermarks}). With
     * {@code updates}, every RNN instance also receives the control topic's model updates.
     */
    public static JobOutputs<ForecastRecord> build(
            DataStream<TickInput> ticks,
            DataStream<ModelUpdateRecord> updates,
            TickJobConfig config,
            RnnCellSpec spec,
            ServedModel<RnnStepper> cell) {
        SingleOutputStreamOperator<TickInput> valid = ticks.process(new TickValidateFunction(config, spec))
                .name("validate ticks")
                .uid("tick-validate");
        KeyedStream<TickInput, String> keyed = valid.keyBy(tick -> tick.key, Types.STRING);
        String name = "step " + spec.modelName + " per key (batch " + config.maxBatchSize + ")";
        TypeInformation<ForecastRecord> type = TypeInformation.of(ForecastRecord.class);
        RnnStepOperator operator = new RnnStepOperator(config, spec, cell);
        SingleOutputStreamOperator<ForecastRecord> forecasts =
                ModelServingOperator.apply(keyed, updates, name, type, operator).uid("rnn-step");
        DataStream<DeadLetterRecord> dead = valid.getSideOutput(TickValidateFunction.DEAD_LETTERS)
                .union(forecasts.getSideOutput(RnnStepOperator.DEAD_LETTERS));
        return new JobOutputs<>(
                forecasts,
                dead,
                updates == null ? null : forecasts.getSideOutput(LiveModel.STATUS),
                forecasts.getSideOutput(RnnStepOperator.ALERTS));
    }
}
