package io.inferstream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.JobOutputs;
import io.inferstream.flink.TickForecasterJob;
import io.inferstream.flink.TickInputs;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import io.inferstream.testing.FlinkClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code RNN_FORECAST} against the tick job on the same ticks, at parallelism 2: the same
 * forecasts to the last bit, the same TTL resets, the same rejections but for the late tick,
 * which Flink drops before a process table function sees it; and planning-time failures.
 */
class RnnForecastFunctionITCase {
    private static final Path MODEL = Path.of("models/sensor-esn.onnx");
    private static final int KEYS = 24;
    private static final int STEPS = 40;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    private static Map<String, String> jobForecasts;
    private static List<String> jobRejections;
    private static Map<String, String> sqlForecasts;
    private static List<String> sqlRejections;

    /** A watermark after every tick (bound minus 1 ms behind the newest), so lateness does not depend on timing. */
    static final class EveryTick implements WatermarkGenerator<TickInput> {
        private long max = Long.MIN_VALUE + TickScenario.BOUND_MS + 1;

        @Override
        public void onEvent(TickInput tick, long timestamp, WatermarkOutput output) {
            if (tick.parsed()) {
                max = Math.max(max, tick.ts);
                output.emitWatermark(new Watermark(max - TickScenario.BOUND_MS - 1));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    /**
     * Holds the late tick back until the watermarks before it have reached every subtask. The keyed
     * step at parallelism 2 reads two upstream channels and its watermark is their minimum: sent at
     * once, the late tick could overtake the other channel's watermarks and arrive on time.
     */
    static TickInput pauseBeforeTheLateTick(TickInput tick) throws InterruptedException {
        if (TickScenario.LATE_ID.equals(tick.id)) {
            Thread.sleep(LATE_TICK_PAUSE_MS);
        }
        return tick;
    }

    /** Many times the 100 ms network buffer timeout that flushes the watermarks on their way. */
    private static final long LATE_TICK_PAUSE_MS = 2_000;

    /** The scenario's ticks, parsed by the job's parser, with a watermark after each. */
    private static DataStream<TickInput> ticks(StreamExecutionEnvironment env) {
        List<KafkaInput> inputs = new ArrayList<>();
        long offset = 0;
        for (TickScenario.Sent sent : new TickScenario(KEYS, STEPS).arrivals()) {
            inputs.add(new KafkaInput(
                    "ticks",
                    0,
                    offset++,
                    0,
                    sent.key().getBytes(StandardCharsets.UTF_8),
                    sent.json().getBytes(StandardCharsets.UTF_8)));
        }
        return env.fromData(inputs, TypeInformation.of(KafkaInput.class))
                .setParallelism(1)
                .map(TickInputs::parse)
                .returns(TickInput.class)
                .setParallelism(1)
                .map(RnnForecastFunctionITCase::pauseBeforeTheLateTick)
                .returns(TickInput.class)
                .setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<TickInput>forGenerator(c -> new EveryTick())
                        .withTimestampAssigner((t, r) -> t.parsed() ? t.ts : Long.MIN_VALUE))
                .setParallelism(1);
    }

    @BeforeAll
    static void runTheJobAndTheFunction() throws Exception {
        runTheJob();
        runTheFunction();
    }

    private static void runTheJob() throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", MODEL.toString());
        values.put("parallelism", "2");
        values.put("state.ttl-ms", Long.toString(TickScenario.TTL_MS));
        TickJobConfig cfg = TickJobConfig.from(values);
        RnnCellSpec spec = OnnxRnnCell.inspect(cfg.modelFile(), cfg.modelOverrides);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        JobOutputs<ForecastRecord> out = TickForecasterJob.build(ticks(env), cfg, spec);
        jobForecasts = new TreeMap<>();
        jobRejections = new ArrayList<>();
        try (CloseableIterator<ForecastRecord> it = out.predictions.collectAsync();
                CloseableIterator<DeadLetterRecord> dead = out.deadLetters.collectAsync()) {
            env.execute("tick job");
            it.forEachRemaining(f -> jobForecasts.put(
                    f.key + "@" + f.eventTime,
                    describe(f.id, f.step, f.inputs, f.outputs[0], f.model, f.modelVersion)));
            dead.forEachRemaining(d -> jobRejections.add(d.reason));
        }
    }

    private static void runTheFunction() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<Row> rows = ticks(env)
                .filter(TickInput::parsed)
                .setParallelism(1)
                .map(t -> Row.of(t.key, t.id, Arrays.stream(t.values).boxed().toArray(Double[]::new)))
                .returns(new RowTypeInfo(
                        new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.OBJECT_ARRAY(Types.DOUBLE)},
                        new String[] {"key", "id", "values"}))
                .setParallelism(1);
        tEnv.createTemporaryView(
                "ticks",
                tEnv.fromDataStream(
                        rows,
                        Schema.newBuilder()
                                .columnByMetadata("ts", DataTypes.TIMESTAMP_LTZ(3), "rowtime")
                                .watermark("ts", "SOURCE_WATERMARK()")
                                .build()));
        tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION " + RnnForecastFunction.NAME + " AS '"
                + RnnForecastFunction.class.getName() + "'");
        sqlForecasts = new TreeMap<>();
        sqlRejections = new ArrayList<>();
        try (CloseableIterator<Row> it = tEnv.executeSql("SELECT * FROM RNN_FORECAST(input => TABLE ticks PARTITION"
                        + " BY key, on_time => DESCRIPTOR(ts), model => '" + MODEL + "', ttl => '"
                        + TickScenario.TTL_MS + " ms')")
                .collect()) {
            it.forEachRemaining(row -> {
                long ts = row.<Long>getFieldAs("eventTime");
                assertThat(row.<Instant>getFieldAs("rowtime").toEpochMilli()).isEqualTo(ts);
                if (row.getField("rejectReason") != null) {
                    sqlRejections.add(row.getFieldAs("rejectReason"));
                    return;
                }
                Double[] inputs = row.getFieldAs("inputs");
                Map<String, Double> outputs = row.getFieldAs("outputs");
                sqlForecasts.put(
                        row.getField("key") + "@" + ts,
                        describe(
                                row.getFieldAs("id"),
                                row.getFieldAs("step"),
                                Arrays.stream(inputs)
                                        .mapToDouble(Double::doubleValue)
                                        .toArray(),
                                outputs.values().iterator().next(),
                                row.getFieldAs("model"),
                                row.getFieldAs("modelVersion")));
            });
        }
    }

    private static String describe(String id, long step, double[] inputs, double output, String model, String version) {
        // Doubles as exact bit patterns: the function must make the job's numbers, not close ones.
        return id + " step " + step + " in " + Arrays.toString(inputs) + " out " + Double.toHexString(output) + " by "
                + model + " v" + version;
    }

    @Test
    void shouldForecastEveryTickAsTheTickJobDoesToTheLastBit() {
        int expected = KEYS * STEPS - 14; // key 0 skips 14 steps
        assertThat(jobForecasts).hasSize(expected);
        assertThat(sqlForecasts).isEqualTo(jobForecasts);
    }

    @Test
    void shouldRestartAKeyIdlePastTheTtlLikeTheJob() {
        String key = io.inferstream.demo.rnn.SyntheticTicks.key(0);
        assertThat(sqlForecasts.get(key + "@" + TickScenario.ts(9))).contains(" step 10 ");
        assertThat(sqlForecasts.get(key + "@" + TickScenario.ts(20)))
                .as("11 s idle, TTL 5 s: a fresh start")
                .contains(" step 1 ");
        assertThat(sqlForecasts.get(key + "@" + TickScenario.ts(29)))
                .as("idle exactly the TTL: the state continues")
                .contains(" step 6 ");
    }

    @Test
    void shouldRejectWhatTheJobRejectsButDropLateTicks() {
        assertThat(jobRejections).containsExactlyInAnyOrder("DUPLICATE_TIMESTAMP", "WRONG_WIDTH", "NOT_FINITE", "LATE");
        assertThat(sqlRejections).containsExactlyInAnyOrder("DUPLICATE_TIMESTAMP", "WRONG_WIDTH", "NOT_FINITE");
    }

    @Test
    void shouldRefuseAMissingModelWhenTheQueryIsPlanned() {
        StreamTableEnvironment tEnv = tableEnvironmentWithTicks();
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM RNN_FORECAST(input => TABLE ticks PARTITION BY key,"
                                + " on_time => DESCRIPTOR(ts), model => 'models/no-such-model.onnx')")
                        .await())
                .hasStackTraceContaining("model => 'models/no-such-model.onnx'")
                .hasStackTraceContaining("no-such-model.onnx");
    }

    @Test
    void shouldRefuseATableWithoutValuesWhenTheQueryIsPlanned() {
        StreamTableEnvironment tEnv = tableEnvironmentWithTicks();
        tEnv.executeSql("CREATE TEMPORARY VIEW keys_only AS SELECT key, ts FROM ticks");
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM RNN_FORECAST(input => TABLE keys_only PARTITION BY"
                                + " key, on_time => DESCRIPTOR(ts), model => '" + MODEL + "')")
                        .await())
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("has columns [key, ts]; expected a column `values` ARRAY<DOUBLE> or `value`");
    }

    @Test
    void shouldRefuseAModelThatIsNotALiteral() {
        StreamTableEnvironment tEnv = tableEnvironmentWithTicks();
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM RNN_FORECAST(input => TABLE ticks PARTITION BY key,"
                                + " on_time => DESCRIPTOR(ts), model => CONCAT('models/', 'sensor-esn.onnx'))")
                        .await())
                .hasStackTraceContaining("model => must be a literal");
    }

    private static StreamTableEnvironment tableEnvironmentWithTicks() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql("CREATE TEMPORARY TABLE ticks (key STRING, id STRING, `values` ARRAY<DOUBLE>,"
                + " ts TIMESTAMP_LTZ(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)"
                + " WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
        tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION " + RnnForecastFunction.NAME + " AS '"
                + RnnForecastFunction.class.getName() + "'");
        return tEnv;
    }
}
