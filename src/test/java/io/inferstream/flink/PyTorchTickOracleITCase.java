package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.PyTorchFixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tick job at parallelism 2 runs PyTorch's 2-layer GRU and LSTM step modules as
 * torch.onnx.export wrote them (state [2,N,16]), with keys interleaved and ticks out of order
 * within the bound: every forecast equals PyTorch stepping that key's series from zero state.
 */
class PyTorchTickOracleITCase {
    private static final long BOUND_MS = 3_000;
    private static final long PERIOD_MS = 1_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @Test
    void shouldForecastEveryTickOfATwoLayerGruLikePyTorch() throws Exception {
        runAndCompare("gru2_step", Map.of());
    }

    @Test
    void shouldForecastEveryTickOfATwoLayerLstmLikePyTorch() throws Exception {
        runAndCompare("lstm2_step", Map.of("model.state-inputs", "h,c", "model.state-outputs", "h_next,c_next"));
    }

    private static void runAndCompare(String name, Map<String, String> settings) throws Exception {
        PyTorchFixtures.Series series = PyTorchFixtures.series(name);
        Map<String, Object> values = new HashMap<>(settings);
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", PyTorchFixtures.model(name).toString());
        values.put("parallelism", "2");
        values.put("batch.max-size", "2");
        values.put("order.max-out-of-orderness-ms", Long.toString(BOUND_MS));
        TickJobConfig cfg = TickJobConfig.from(values);
        RnnCellSpec spec = OnnxRnnCell.inspect(cfg.modelFile(), cfg.modelOverrides);
        assertThat(spec.stateShapes.get(0).batchAxis()).isEqualTo(1);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        var ticks = env.fromData(arrivals(series), TypeInformation.of(KafkaInput.class))
                .rebalance()
                .map(TickInputs::parse)
                .returns(TickInput.class)
                .assignTimestampsAndWatermarks(TickInputs.watermarks(cfg));
        JobOutputs<ForecastRecord> out = TickForecasterJob.build(ticks, cfg, spec);
        List<ForecastRecord> forecasts = new ArrayList<>();
        try (CloseableIterator<ForecastRecord> it = out.predictions.collectAsync();
                CloseableIterator<?> dead = out.deadLetters.collectAsync()) {
            env.execute("pytorch oracle " + name);
            it.forEachRemaining(forecasts::add);
            assertThat(dead.hasNext()).as("no dead letters").isFalse();
        }

        Map<String, List<ForecastRecord>> byKey = forecasts.stream()
                .sorted(Comparator.comparingLong(f -> f.step))
                .collect(Collectors.groupingBy(f -> f.key));
        assertThat(byKey).hasSize(series.keys);
        for (int k = 0; k < series.keys; k++) {
            List<ForecastRecord> keyForecasts = byKey.get("k" + k);
            assertThat(keyForecasts).hasSize(series.steps);
            for (int t = 0; t < series.steps; t++) {
                ForecastRecord f = keyForecasts.get(t);
                assertThat(f.step).isEqualTo(t + 1);
                assertThat(f.eventTime).isEqualTo(timestamp(t));
                assertThat(f.modelVersion).isEqualTo("1");
                double[] expected = series.expected(k, t);
                for (int o = 0; o < expected.length; o++) {
                    PyTorchFixtures.assertClose(f.outputs[o], expected[o], name + " key " + k + " step " + (t + 1));
                }
            }
        }
    }

    private static long timestamp(int step) {
        return 1_700_000_000_000L + step * PERIOD_MS;
    }

    /** Every key's ticks as JSON, keys interleaved, each delayed by a random amount under the bound. */
    private static List<KafkaInput> arrivals(PyTorchFixtures.Series series) {
        Random random = new Random(5);
        List<long[]> order = new ArrayList<>();
        for (int t = 0; t < series.steps; t++) {
            for (int k = 0; k < series.keys; k++) {
                order.add(new long[] {timestamp(t) + (long) (random.nextDouble() * (BOUND_MS - 100)), k, t});
            }
        }
        order.sort(Comparator.comparingLong(a -> a[0]));
        List<KafkaInput> inputs = new ArrayList<>();
        long offset = 0;
        for (long[] a : order) {
            int k = (int) a[1];
            int t = (int) a[2];
            String values =
                    Arrays.stream(series.input(k, t)).mapToObj(Double::toString).collect(Collectors.joining(","));
            String json = "{\"key\":\"k" + k + "\",\"ts\":" + timestamp(t) + ",\"values\":[" + values + "]}";
            inputs.add(new KafkaInput("ticks", 0, offset++, a[0], null, json.getBytes(StandardCharsets.UTF_8)));
        }
        return inputs;
    }
}
