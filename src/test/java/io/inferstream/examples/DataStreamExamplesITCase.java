package io.inferstream.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.demo.rnn.SyntheticTicks;
import io.inferstream.examples.PhotoLabelExample.Photo;
import io.inferstream.examples.PhotoLabelExample.PhotoLabel;
import io.inferstream.examples.SensorForecastExample.SensorForecast;
import io.inferstream.examples.SensorForecastExample.SensorReading;
import io.inferstream.flink.TickInputs;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.testing.CollectingSink;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.OfflineClassifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the documented DataStream examples on a MiniCluster at parallelism 2, with in-memory
 * stand-ins for the user's source and sinks: forecasts equal the RNN cell stepped offline over
 * each sensor's readings in time order, labels and scores equal the classifier run directly, and
 * bad records reach the user's dead-letter sink with their reason.
 */
class DataStreamExamplesITCase {
    private static final int PARALLELISM = 2;
    private static final String RNN_MODEL = "models/sensor-esn.onnx";
    private static final int SENSORS = 12;
    private static final int STEPS = 60;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(PARALLELISM);

    @Test
    void shouldForecastLikeTheCellSteppedOfflineAndDeadLetterBadReadings() throws Exception {
        SyntheticTicks series = new SyntheticTicks(5);
        List<SensorReading> readings = new ArrayList<>();
        Random delay = new Random(3);
        for (int step = 0; step < STEPS; step++) {
            for (int k = 0; k < SENSORS; k++) {
                readings.add(new SensorReading(SyntheticTicks.key(k), series.timestamp(step), series.value(k, step)));
            }
        }
        // Each reading arrives up to 1.5 s late (the example allows 2 s): the job puts them back in order.
        Map<SensorReading, Long> arrival =
                readings.stream().collect(Collectors.toMap(r -> r, r -> r.time + (long) (delay.nextDouble() * 1500)));
        readings.sort(Comparator.comparingLong(arrival::get));
        SensorReading notFinite = new SensorReading(SyntheticTicks.key(3), series.timestamp(20) + 500, Double.NaN);
        SensorReading noSensor = new SensorReading(null, series.timestamp(30), 20.0);
        readings.add(STEPS * SENSORS / 4, notFinite);
        readings.add(STEPS * SENSORS * 3 / 4, noSensor);

        CollectingSink<SensorForecast> forecastSink = new CollectingSink<>();
        CollectingSink<DeadLetterRecord> deadLetterSink = new CollectingSink<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        new SensorForecastExample(source(readings, SensorReading.class), forecastSink, deadLetterSink)
                .build(env, RNN_MODEL);
        env.execute("sensor forecast example");

        List<SensorForecast> forecasts = forecastSink.received();
        List<DeadLetterRecord> deadLetters = deadLetterSink.received();
        assertThat(forecasts.size() + deadLetters.size())
                .as("every reading is a forecast or a dead letter")
                .isEqualTo(readings.size());
        assertThat(deadLetters).extracting(d -> d.reason).containsExactlyInAnyOrder("NOT_FINITE", "MISSING_KEY");
        DeadLetterRecord nan = deadLetters.stream()
                .filter(d -> d.reason.equals("NOT_FINITE"))
                .findFirst()
                .orElseThrow();
        assertThat(nan.error).isEqualTo("values[0] = NaN; expected a finite number");
        assertThat(nan.topic).isEqualTo(TickInputs.OWN_SOURCE);
        assertThat(new String(nan.key, StandardCharsets.UTF_8)).isEqualTo(SyntheticTicks.key(3));
        assertThat(new String(nan.value, StandardCharsets.UTF_8))
                .isEqualTo("{\"key\":\"" + SyntheticTicks.key(3) + "\",\"ts\":" + notFinite.time
                        + ",\"values\":[\"NaN\"]}");

        Map<String, List<SensorForecast>> bySensor = forecasts.stream()
                .sorted(Comparator.comparingLong(f -> f.time))
                .collect(Collectors.groupingBy(f -> f.sensor));
        assertThat(bySensor).hasSize(SENSORS);
        try (OnnxRnnCell cell = OnnxRnnCell.load(Path.of(RNN_MODEL), Map.of(), 1, OnnxOptions.CPU)) {
            RnnCellSpec spec = cell.spec();
            for (int k = 0; k < SENSORS; k++) {
                List<SensorForecast> streamed = bySensor.get(SyntheticTicks.key(k));
                assertThat(streamed).hasSize(STEPS);
                float[] state = new float[spec.stateSize()];
                float[] next = new float[spec.stateSize()];
                float[] y = new float[spec.outputs];
                for (int step = 0; step < STEPS; step++) {
                    float x = (float) ((series.value(k, step) - spec.inputMean[0]) / spec.inputStd[0]);
                    cell.step(1, new float[] {x}, state, y, next);
                    float[] swap = state;
                    state = next;
                    next = swap;
                    SensorForecast actual = streamed.get(step);
                    assertThat(actual.time).isEqualTo(series.timestamp(step));
                    assertThat(actual.nextCelsius)
                            .as("sensor %d step %d", k, step + 1)
                            .isCloseTo(y[0] * spec.outputStd[0] + spec.outputMean[0], within(1e-4));
                    assertThat(actual.modelVersion).isEqualTo(spec.modelVersion);
                }
            }
        }
    }

    @Test
    void shouldLabelLikeTheClassifierRunDirectlyAndDeadLetterBadPhotos() throws Exception {
        SampleImages samples = SampleImages.loadBundled();
        int images = 50;
        List<Photo> photos = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            photos.add(new Photo("photo-" + i, "camera-" + (i % 3), 1_000L + i, samples.png(i)));
        }
        photos.add(new Photo("photo-junk", "camera-9", 5_000L, "not an image".getBytes(StandardCharsets.UTF_8)));

        CollectingSink<PhotoLabel> labelSink = new CollectingSink<>();
        CollectingSink<DeadLetterRecord> deadLetterSink = new CollectingSink<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        new PhotoLabelExample(source(photos, Photo.class), labelSink, deadLetterSink)
                .build(env, OfflineClassifier.DEMO_MODEL.toString());
        env.execute("photo label example");

        List<PhotoLabel> labels = labelSink.received();
        List<DeadLetterRecord> deadLetters = deadLetterSink.received();
        assertThat(labels).hasSize(images);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).reason).isEqualTo("UNDECODABLE_IMAGE");
        assertThat(new String(deadLetters.get(0).key, StandardCharsets.UTF_8)).isEqualTo("camera-9");
        assertThat(new String(deadLetters.get(0).value, StandardCharsets.UTF_8)).isEqualTo("not an image");

        Map<String, PhotoLabel> byId = labels.stream().collect(Collectors.toMap(l -> l.id, l -> l));
        try (OfflineClassifier oracle = new OfflineClassifier(OfflineClassifier.DEMO_MODEL)) {
            for (int i = 0; i < images; i++) {
                float[] expected = oracle.probabilities(samples.pixels(i));
                int best = OfflineClassifier.argMax(expected);
                PhotoLabel actual = byId.get("photo-" + i);
                assertThat(actual.camera).isEqualTo("camera-" + (i % 3));
                assertThat(actual.label).isEqualTo(SampleImages.labelNames().get(best));
                assertThat(actual.score).isCloseTo(expected[best], within(1e-5f));
            }
        }
    }

    /** The user's own source, as a test stands in for it: the records in list order, split over readers. */
    private static <T> DataGeneratorSource<T> source(List<T> records, Class<T> type) {
        ArrayList<T> copy = new ArrayList<>(records);
        return new DataGeneratorSource<>(index -> copy.get(index.intValue()), copy.size(), TypeInformation.of(type));
    }
}
