package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.inference.RnnStepper;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.ModelUpdateRecord;
import io.inferstream.records.TickInput;
import java.time.Duration;
import java.util.function.BiFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The keyed RNN forecasting transformation for a user's own DataStream job, as the tick job runs
 * it: ticks keyed by their key and applied in event-time order per key, the hidden state in Flink
 * keyed state (checkpointed with the job, so a restore continues every series exactly), many
 * keys' steps batched into one ONNX Runtime call, one forecast per tick, and refused ticks on the
 * dead-letter side output with their reason.
 *
 * <pre>{@code
 * RnnForecasting forecasting = RnnForecasting.builder()
 *         .modelPath("models/sensor-esn.onnx")
 *         .batchSize(256)
 *         .maxOutOfOrderness(Duration.ofSeconds(2))
 *         .build();                                   // checks the settings and the model here
 * JobOutputs<ForecastRecord> out = forecasting.apply(ticks);   // DataStream<TickInput>
 * out.getPredictions().sinkTo(mySink);
 * out.getDeadLetters().sinkTo(myDeadLetterSink);
 * }</pre>
 *
 * Make ticks from your own values with {@link TickInputs#of(String, long, double...)}.
 */
public final class RnnForecasting {
    private final TickJobConfig config;
    private final RnnCellSpec spec;
    private final DataStream<ModelUpdateRecord> updates;
    private final boolean assignWatermarks;
    private final ServedModel<RnnStepper> cell;
    private final String uidPrefix;

    RnnForecasting(
            TickJobConfig config,
            RnnCellSpec spec,
            DataStream<ModelUpdateRecord> updates,
            boolean assignWatermarks,
            ServedModel<RnnStepper> cell,
            String uidPrefix) {
        this.config = config;
        this.spec = spec;
        this.updates = updates;
        this.assignWatermarks = assignWatermarks;
        this.cell = cell;
        this.uidPrefix = uidPrefix;
    }

    /** A builder with the tick job's defaults (jobs/tick-forecaster.yaml's keys, docs/configuration.md). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds the transformation to {@code ticks}' job: validate (width, finite values, a key), key by
     * series, and the stateful RNN step. Its operators' uids are {@code tick-validate} and {@code
     * rnn-step} (after the builder's uid prefix), stable so that savepoints restore. Unless the
     * builder was told the ticks carry watermarks already, event time comes from each tick's
     * {@code ts} with the configured out-of-orderness.
     */
    public JobOutputs<ForecastRecord> apply(DataStream<TickInput> ticks) {
        DataStream<TickInput> timed = assignWatermarks
                ? ticks.assignTimestampsAndWatermarks(TickInputs.watermarks(config))
                        .name("event time of ticks")
                        .uid(uidPrefix + "tick-watermarks")
                : ticks;
        SingleOutputStreamOperator<TickInput> valid = timed.process(new TickValidateFunction(config, spec))
                .name("validate ticks")
                .uid(uidPrefix + "tick-validate");
        KeyedStream<TickInput, String> keyed = valid.keyBy(tick -> tick.key, Types.STRING);
        String name = "step " + spec.modelName + " per key (batch " + config.maxBatchSize + ")";
        TypeInformation<ForecastRecord> type = TypeInformation.of(ForecastRecord.class);
        RnnStepOperator operator = new RnnStepOperator(config, spec, cell);
        SingleOutputStreamOperator<ForecastRecord> forecasts =
                ModelServingOperator.apply(keyed, updates, name, type, operator).uid(uidPrefix + "rnn-step");
        DataStream<DeadLetterRecord> dead = valid.getSideOutput(TickValidateFunction.DEAD_LETTERS)
                .union(forecasts.getSideOutput(RnnStepOperator.DEAD_LETTERS));
        return new JobOutputs<>(
                forecasts,
                dead,
                updates == null ? null : forecasts.getSideOutput(LiveModel.STATUS),
                forecasts.getSideOutput(RnnStepOperator.ALERTS));
    }

    /** The checked settings, with the tick job's defaults where the builder set nothing. */
    public TickJobConfig config() {
        return config;
    }

    /** The model's contract as checked at {@link Builder#build()}: width, state shapes, names. */
    public RnnCellSpec spec() {
        return spec;
    }

    /**
     * Collects the transformation's settings; {@link #build()} checks them all and the model, so a
     * misconfigured transformation fails where the job is built, naming the setter, the key, the
     * value and what was expected. Every setter writes one key of the tick job's configuration
     * (named in its Javadoc); {@link #setting} sets any other.
     */
    public static final class Builder extends TransformationBuilder<Builder, TickJobConfig> {
        private boolean assignWatermarks = true;
        private BiFunction<TickJobConfig, RnnCellSpec, ServedModel<RnnStepper>> cell = RnnStepOperator::liveCell;

        private Builder() {
            super("RnnForecasting", "input.", "order.max-future-ms");
        }

        @Override
        Builder self() {
            return this;
        }

        /** Most keys stepped in one ONNX Runtime call, 1 to 65536 (batch.max-size, default 256). */
        public Builder batchSize(int keys) {
            settings.put("batchSize", "batch.max-size", keys);
            return this;
        }

        /** How late a tick may arrive and still be applied in order (order.max-out-of-orderness-ms, default 1 s). */
        public Builder maxOutOfOrderness(Duration bound) {
            settings.putMillis("maxOutOfOrderness", "order.max-out-of-orderness-ms", bound);
            return this;
        }

        /** A parallel input without ticks for this long stops holding event time back (order.idle-timeout-ms). */
        public Builder idleTimeout(Duration timeout) {
            settings.putMillis("idleTimeout", "order.idle-timeout-ms", timeout);
            return this;
        }

        /** A key silent for this long (event time) starts again from the initial state (state.ttl-ms; 0: never). */
        public Builder stateTtl(Duration ttl) {
            settings.putMillis("stateTtl", "state.ttl-ms", ttl);
            return this;
        }

        /** Start every key afresh when restored state does not fit the model (state.reset-on-model-change). */
        public Builder resetStateOnModelChange(boolean reset) {
            settings.put("resetStateOnModelChange", "state.reset-on-model-change", reset);
            return this;
        }

        /**
         * The ticks already carry event time and watermarks (e.g. from a source with {@link
         * TickInputs#watermarks}); by default they are assigned from each tick's ts.
         */
        public Builder ticksWithWatermarks() {
            this.assignWatermarks = false;
            return this;
        }

        /** What serves the checked cell: a benchmark hands in one that does no inference. */
        Builder servedModel(BiFunction<TickJobConfig, RnnCellSpec, ServedModel<RnnStepper>> servedModel) {
            this.cell = servedModel;
            return this;
        }

        /**
         * Checks every setting and the model: the file exists, and fits the RNN-cell contract (a
         * {@code ModelContractException} names the expected and actual shapes).
         *
         * @throws ConfigException for a refused setting, naming setter, key, value and expectation
         */
        public RnnForecasting build() {
            TickJobConfig checked = checkedConfig(TickJobConfig::forTransformation);
            RnnCellSpec spec = inspected(
                    checked.modelPath,
                    checked.onnx,
                    "RNN-cell",
                    (model, onnx) -> OnnxRnnCell.inspect(model, checked.modelOverrides, onnx));
            return new RnnForecasting(checked, spec, updates, assignWatermarks, cell.apply(checked, spec), uidPrefix);
        }
    }
}
