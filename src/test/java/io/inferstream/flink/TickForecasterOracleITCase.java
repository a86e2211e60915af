package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.inferstream.config.TickJobConfig;
import io.inferstream.demo.rnn.EchoStateCell;
import io.inferstream.demo.rnn.EchoStateGraphs;
import io.inferstream.demo.rnn.SyntheticTicks;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.JobConfigs;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test oracle of the tick job: at parallelism 2, with keys interleaved and ticks out of
 * order within the bound, each key's streaming forecasts equal running that key's whole
 * sequence offline, in a plain loop and through an ONNX RNN-operator model.
 */
class TickForecasterOracleITCase {
    private static final Path MODEL = Path.of("models/sensor-esn.onnx");
    private static final int KEYS = 40;
    private static final int STEPS = 120;
    private static final long BOUND_MS = 3_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    private static final SyntheticTicks SERIES = new SyntheticTicks(7);
    private static Map<String, List<ForecastRecord>> streamed;
    private static RnnCellSpec spec;

    @BeforeAll
    static void runTheJob() throws Exception {
        Map<String, Object> values = JobConfigs.offline(MODEL).toMap();
        values.put("parallelism", "2");
        values.put("batch.max-size", "16");
        values.put("order.max-out-of-orderness-ms", Long.toString(BOUND_MS));
        TickJobConfig cfg = TickJobConfig.from(values);
        spec = OnnxRnnCell.inspect(cfg.modelFile(), cfg.modelOverrides);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        var ticks = env.fromData(arrivals(), TypeInformation.of(KafkaInput.class))
                .rebalance()
                .map(TickInputs::parse)
                .returns(TickInput.class)
                .assignTimestampsAndWatermarks(TickInputs.watermarks(cfg));
        JobOutputs<ForecastRecord> out = TickForecasterJob.build(ticks, cfg, spec);
        List<ForecastRecord> forecasts = new ArrayList<>();
        try (CloseableIterator<ForecastRecord> it = out.predictions.collectAsync();
                CloseableIterator<?> dead = out.deadLetters.collectAsync()) {
            env.execute("tick oracle");
            it.forEachRemaining(forecasts::add);
            assertThat(dead.hasNext())
                    .as("no dead letters: every tick is within the bound")
                    .isFalse();
        }
        streamed = forecasts.stream()
                .sorted(Comparator.comparingLong(f -> f.step))
                .collect(Collectors.groupingBy(f -> f.key));
    }

    /** Every key's ticks, keys interleaved, each tick delayed by a random amount under the bound. */
    private static List<KafkaInput> arrivals() {
        Random random = new Random(11);
        List<long[]> order = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            for (int k = 0; k < KEYS; k++) {
                long arrival = SERIES.timestamp(step) + (long) (random.nextDouble() * (BOUND_MS - 100));
                order.add(new long[] {arrival, k, step});
            }
        }
        order.sort(Comparator.comparingLong(a -> a[0]));
        List<KafkaInput> inputs = new ArrayList<>();
        long offset = 0;
        for (long[] a : order) {
            int k = (int) a[1];
            long step = a[2];
            String json = String.format(
                    Locale.ROOT,
                    "{\"key\":\"%s\",\"ts\":%d,\"value\":%s}",
                    SyntheticTicks.key(k),
                    SERIES.timestamp(step),
                    SERIES.value(k, step));
            inputs.add(new KafkaInput("ticks", 0, offset++, a[0], null, json.getBytes(StandardCharsets.UTF_8)));
        }
        return inputs;
    }

    @Test
    void shouldForecastEveryKeyInEventTimeOrderWithSteps1ToN() {
        assertThat(streamed).hasSize(KEYS);
        for (List<ForecastRecord> forecasts : streamed.values()) {
            assertThat(forecasts)
                    .extracting(f -> f.step)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, STEPS)
                            .boxed()
                            .toList());
            assertThat(forecasts).extracting(f -> f.eventTime).isSorted();
        }
    }

    @Test
    void shouldEqualSteppingEachKeysWholeSequenceInAPlainLoop() throws Exception {
        EchoStateCell cell = EchoStateGraphs.readCell(Files.readAllBytes(MODEL));
        for (int k = 0; k < KEYS; k++) {
            float[] h = new float[cell.hidden()];
            List<ForecastRecord> forecasts = streamed.get(SyntheticTicks.key(k));
            for (int step = 0; step < STEPS; step++) {
                float x = (float) ((SERIES.value(k, step) - spec.inputMean[0]) / spec.inputStd[0]);
                EchoStateCell.Step next = cell.step(new float[] {x}, h);
                h = next.hNext();
                double expected = next.y()[0] * spec.outputStd[0] + spec.outputMean[0];
                assertThat(forecasts.get(step).outputs[0])
                        .as("key %d step %d", k, step + 1)
                        .isCloseTo(expected, within(1e-3));
            }
        }
    }

    @Test
    void shouldEqualTheOnnxRnnOperatorOverWholeSequences() throws Exception {
        EchoStateCell cell = EchoStateGraphs.readCell(Files.readAllBytes(MODEL));
        float[] x = new float[STEPS * KEYS];
        for (int step = 0; step < STEPS; step++) {
            for (int k = 0; k < KEYS; k++) {
                x[step * KEYS + k] = (float) ((SERIES.value(k, step) - spec.inputMean[0]) / spec.inputStd[0]);
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(EchoStateGraphs.sequenceModel(cell));
                OnnxTensor xs = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {STEPS, KEYS, 1});
                OnnxTensor h0 = OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(new float[KEYS * cell.hidden()]), new long[] {1, KEYS, cell.hidden()});
                OrtSession.Result result = session.run(
                        Map.of(EchoStateGraphs.SEQUENCE_INPUT, xs, EchoStateGraphs.SEQUENCE_INITIAL_STATE, h0))) {
            float[][][] y = (float[][][])
                    result.get(EchoStateGraphs.SEQUENCE_OUTPUT).orElseThrow().getValue();
            for (int k = 0; k < KEYS; k++) {
                List<ForecastRecord> forecasts = streamed.get(SyntheticTicks.key(k));
                for (int step = 0; step < STEPS; step++) {
                    double expected = y[step][k][0] * spec.outputStd[0] + spec.outputMean[0];
                    assertThat(forecasts.get(step).outputs[0])
                            .as("key %d step %d", k, step + 1)
                            .isCloseTo(expected, within(1e-3));
                }
            }
        }
    }
}
