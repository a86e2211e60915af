package io.inferstream.sql;

import io.inferstream.flink.ModelFiles;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.input.RejectReason;
import io.inferstream.input.RejectedInputException;
import io.inferstream.input.TickChecks;
import io.inferstream.records.RnnKeyState;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.functions.SpecializedFunction;
import org.apache.flink.table.functions.TableSemantics;
import org.apache.flink.table.functions.UserDefinedFunction;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.types.Row;
import org.apache.flink.util.TimeUtils;

/**
 * {@code RNN_FORECAST}: the tick job's stateful RNN as a SQL process table function. Per key (the
 * PARTITION BY columns) it keeps the hidden state in Flink state, holds each tick until the
 * watermark passes its {@code on_time}, and then steps the ONNX cell over the key's ticks in
 * event-time order, one forecast per tick, with the job's rules for the time-to-live and for
 * state written under another model.
 *
 * <pre>{@code
 * CREATE TEMPORARY SYSTEM FUNCTION RNN_FORECAST AS 'io.inferstream.sql.RnnForecastFunction';
 * SELECT * FROM RNN_FORECAST(
 *   input => TABLE ticks PARTITION BY key, on_time => DESCRIPTOR(ts),
 *   model => 'models/sensor-esn.onnx');
 * }</pre>
 *
 * <p>The scalar arguments must be literals: the planner hands them to {@link #specialize}, which
 * checks the model against the RNN-cell contract while the query is planned and returns the
 * function configured for them. A tick the model cannot use comes out as a row with
 * {@code rejectReason} and {@code rejectError} set instead of a forecast.
 */
@DataTypeHint("ROW<id STRING, eventTime BIGINT, step BIGINT, inputs ARRAY<DOUBLE>, outputs MAP<STRING, DOUBLE>,"
        + " model STRING, modelVersion STRING, predictedAt BIGINT, rejectReason STRING, rejectError STRING>")
public class RnnForecastFunction extends ProcessTableFunction<Row> implements SpecializedFunction {
    private static final long serialVersionUID = 1L;

    /** The name the docs and the example script register the function under. */
    public static final String NAME = "RNN_FORECAST";

    static final String INPUT = "input";
    static final String MODEL = "model";
    static final String TTL = "ttl";
    static final String RESET_ON_MODEL_CHANGE = "reset_on_model_change";

    /** Positions of the scalar arguments in the call, after the table argument. */
    private static final int MODEL_POS = 1;

    private static final int TTL_POS = 2;
    private static final int RESET_POS = 3;

    private static final String RNN_STATE = "rnn";
    private static final String EXPIRY_TIMER = "state-expiry";

    /** Null until {@link #specialize} configured a copy for one call. */
    private final Settings settings;

    private transient KeyStepper stepper;
    private transient OnnxRnnCell cell;
    private transient Counter modelChangeResets;
    private transient Counter ttlResets;

    /** The call's literal arguments and the tick columns found in its table argument. */
    record Settings(String model, long ttlMs, boolean resetOnModelChange, int features, TickColumns columns)
            implements java.io.Serializable {}

    /**
     * A tick parked in the function's state until the watermark passes it. The function's own
     * type, not the tick job's buffer entry: its fields are this function's state layout, which
     * must stay readable from savepoints whatever the job's operator keeps.
     */
    public static final class ParkedTick {
        public String id;
        public double[] values;

        public ParkedTick() {}

        ParkedTick(String id, double[] values) {
            this.id = id;
            this.values = values;
        }
    }

    /** For registration by class name; the planner specializes it for each call. */
    public RnnForecastFunction() {
        this(null);
    }

    RnnForecastFunction(Settings settings) {
        this.settings = settings;
    }

    @Override
    public UserDefinedFunction specialize(SpecializedContext context) {
        CallContext call = context.getCallContext();
        String model = literal(call, MODEL_POS, MODEL, String.class);
        if (model == null) {
            throw new ValidationException(
                    NAME + ": model => is required; expected the model's path or URI as a string literal");
        }
        Duration ttl = duration(literal(call, TTL_POS, TTL, String.class));
        Boolean reset = literal(call, RESET_POS, RESET_ON_MODEL_CHANGE, Boolean.class);
        RnnCellSpec spec;
        try {
            spec = OnnxRnnCell.inspect(ModelFiles.read(model), Map.of(), OnnxOptions.CPU);
        } catch (RuntimeException e) {
            throw new ValidationException(NAME + ": model => '" + model + "': " + e.getMessage(), e);
        }
        TableSemantics table = call.getTableSemantics(0)
                .orElseThrow(() -> new ValidationException(
                        NAME + ": input => expected a table, as in input => TABLE" + " ticks PARTITION BY key"));
        TickColumns columns = TickColumns.resolve(INPUT, table.dataType(), table.partitionByColumns());
        return new RnnForecastFunction(
                new Settings(model, ttl == null ? 0 : ttl.toMillis(), reset != null && reset, spec.features, columns));
    }

    /** The time-to-live as Flink writes durations ('30 min', '1 h', '500 ms'); null when not given. */
    private static Duration duration(String ttl) {
        if (ttl == null) {
            return null;
        }
        try {
            return TimeUtils.parseDuration(ttl);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(NAME + ": ttl => '" + ttl + "': " + e.getMessage()
                    + "; expected a duration such as '30 min', '1 h' or '0 s' (keep every key's state)");
        }
    }

    /** A scalar argument's value: null when not given, a failure naming it when not a literal. */
    private static <T> T literal(CallContext call, int pos, String name, Class<T> type) {
        if (pos >= call.getArgumentDataTypes().size() || call.isArgumentNull(pos)) {
            return null;
        }
        if (!call.isArgumentLiteral(pos)) {
            throw new ValidationException(
                    NAME + ": " + name + " => must be a literal; the model is loaded once per function instance");
        }
        return call.getArgumentValue(pos, type)
                .orElseThrow(() -> new ValidationException(NAME + ": " + name + " => "
                        + call.getArgumentDataTypes().get(pos) + "; expected " + type.getSimpleName()));
    }

    @Override
    public void open(FunctionContext context) {
        if (settings == null) {
            throw new IllegalStateException(NAME + " was not specialized for its call; expected the planner to do so");
        }
        cell = OnnxRnnCell.load(ModelFiles.read(settings.model()), Map.of(), 1, OnnxOptions.CPU);
        if (cell.spec().features != settings.features()) {
            throw new IllegalStateException("model '" + settings.model() + "' takes " + cell.spec().features
                    + " features but the query was planned for " + settings.features()
                    + "; expected the model checked when the query was planned");
        }
        stepper = new KeyStepper(cell, settings.ttlMs(), settings.resetOnModelChange());
        modelChangeResets = context.getMetricGroup().counter("stateResets");
        ttlResets = context.getMetricGroup().counter("ttlResets");
    }

    @Override
    public void close() {
        if (cell != null) {
            cell.close();
        }
    }

    /**
     * Checks a tick and parks it until the watermark passes it. Ticks at or behind the watermark
     * never get here: Flink drops them before calling the function.
     */
    public void eval(
            Context ctx,
            @StateHint(name = RNN_STATE) RnnKeyState rnn,
            @StateHint(name = "pending") MapView<Long, ParkedTick> pending,
            @ArgumentHint(
                            value = {ArgumentTrait.SET_SEMANTIC_TABLE, ArgumentTrait.REQUIRE_ON_TIME},
                            name = INPUT)
                    Row tick,
            @ArgumentHint(name = MODEL) String model,
            @ArgumentHint(name = TTL, isOptional = true) String ttl,
            @ArgumentHint(name = RESET_ON_MODEL_CHANGE, isOptional = true) Boolean resetOnModelChange)
            throws Exception {
        TimeContext<Long> time = ctx.timeContext(Long.class);
        long ts = time.time();
        TickColumns columns = settings.columns();
        String id = columns.id(tick);
        double[] values = columns.values(tick);
        try {
            String key = columns.key(tick);
            if (key == null) {
                throw new RejectedInputException(RejectReason.MISSING_KEY, "tick has a null PARTITION BY column");
            }
            if (values == null) {
                throw new RejectedInputException(
                        RejectReason.BAD_TICK, "tick of key '" + key + "' has no values (null or a null element)");
            }
            RnnCellSpec spec = stepper.spec();
            TickChecks.check(key, values, spec.features, spec.transform == RnnCellSpec.Transform.LOG_RETURN);
            Long watermark = time.currentWatermark();
            if (watermark != null && ts <= watermark) {
                // Flink drops rows behind its own copy of the watermark; its timers refuse a time
                // behind theirs. Should the two differ, the tick is late, never parked forever.
                throw new RejectedInputException(
                        RejectReason.LATE,
                        "tick at " + ts + " is " + (watermark - ts + 1) + " ms behind the watermark " + watermark);
            }
            if (pending.contains(ts)) {
                throw new RejectedInputException(
                        RejectReason.DUPLICATE_TIMESTAMP, "key '" + key + "' already has a tick at " + ts);
            }
        } catch (RejectedInputException e) {
            collect(rejected(id, ts, values, e));
            return;
        }
        pending.put(ts, new ParkedTick(id, values));
        time.registerOnTime(ts);
    }

    /** Steps the tick whose time has come, or frees the state of a key idle past the time-to-live. */
    public void onTimer(OnTimerContext ctx, RnnKeyState rnn, MapView<Long, ParkedTick> pending) throws Exception {
        TimeContext<Long> time = ctx.timeContext(Long.class);
        long ts = time.time();
        if (EXPIRY_TIMER.equals(ctx.currentTimer())) {
            // A tick at the very expiry time still continues the state, as in the job.
            if (!pending.contains(ts)) {
                ctx.clearState(RNN_STATE);
            }
            return;
        }
        ParkedTick tick = pending.get(ts);
        pending.remove(ts);
        KeyStepper.Stepped stepped;
        try {
            stepped = stepper.step(rnn.state == null ? null : rnn, ts, tick.values);
        } catch (IllegalStateException e) {
            // State written for other shapes: restarting cannot fix it, so fail instead of looping.
            throw new SuppressRestartsException(e);
        }
        if (stepped.reset() == KeyStepper.Reset.MODEL_CHANGE) {
            modelChangeResets.inc();
        } else if (stepped.reset() == KeyStepper.Reset.TTL) {
            ttlResets.inc();
        }
        copy(stepped.state(), rnn);
        collect(forecast(tick, ts, stepped));
        if (settings.ttlMs() > 0) {
            time.registerOnTime(EXPIRY_TIMER, ts + settings.ttlMs());
        }
    }

    /** The framework hands in and persists its own state object: write the result into it. */
    private static void copy(RnnKeyState from, RnnKeyState to) {
        to.state = from.state;
        to.step = from.step;
        to.lastEventTime = from.lastEventTime;
        to.previousValues = from.previousValues;
        to.shape = from.shape;
    }

    private Row forecast(ParkedTick tick, long ts, KeyStepper.Stepped stepped) {
        RnnCellSpec spec = stepper.spec();
        Map<String, Double> outputs = new LinkedHashMap<>();
        double[] values = stepped.outputs();
        for (int o = 0; o < values.length; o++) {
            outputs.put(spec.outputNames.get(o), values[o]);
        }
        return Row.of(
                tick.id,
                ts,
                stepped.state().step,
                boxed(tick.values),
                outputs,
                spec.modelName,
                spec.modelVersion,
                System.currentTimeMillis(),
                null,
                null);
    }

    private static Row rejected(String id, long ts, double[] values, RejectedInputException e) {
        return Row.of(
                id,
                ts,
                null,
                values == null ? null : boxed(values),
                null,
                null,
                null,
                null,
                e.reason().name(),
                e.getMessage());
    }

    private static Double[] boxed(double[] values) {
        return Arrays.stream(values).boxed().toArray(Double[]::new);
    }
}
