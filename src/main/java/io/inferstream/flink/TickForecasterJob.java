package io.inferstream.flink;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnStepper;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.ModelUpdateRecord;
import io.inferstream.records.TickInput;
import org.apache.flink.streaming.api.datastream.DataStream;

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
     * {@code updates}, every RNN instance also receives the control topic's model updates. The
     * topology is {@link RnnForecasting}'s, for a model already checked.
     */
    public static JobOutputs<ForecastRecord> build(
            DataStream<TickInput> ticks,
            DataStream<ModelUpdateRecord> updates,
            TickJobConfig config,
            RnnCellSpec spec,
            ServedModel<RnnStepper> cell) {
        return new RnnForecasting(config, spec, updates, false, cell, "").apply(ticks);
    }
}
