package io.inferstream.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.avro.TickPrediction;
import io.inferstream.config.OutputFormat;
import io.inferstream.records.ForecastRecord;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The hand-written TickPrediction encoding against Avro's own writer, byte for byte. */
class TickPredictionWriterTest {

    private static ForecastRecord forecast(String key, String id, double[] inputs, String[] names, double[] outputs) {
        ForecastRecord f = new ForecastRecord();
        f.key = key;
        f.id = id;
        f.eventTime = 1_700_000_000_123L;
        f.step = 42;
        f.inputs = inputs;
        f.outputNames = names;
        f.outputs = outputs;
        f.model = "esn";
        f.modelVersion = "v3";
        f.predictedAt = 1_764_600_000_456L;
        return f;
    }

    private static byte[] generic(ForecastRecord f) throws Exception {
        return RecordEncoder.bytes(TickPrediction.getEncoder().encode(RecordEncoder.toAvro(f)));
    }

    @Test
    void shouldBeWrittenForTheSchemaOfTheGeneratedClass() {
        // Fails when schemas/TickPrediction.avsc changes: teach TickPredictionWriter the new fields
        // (until then every forecast takes Avro's slower generic path, with the same bytes).
        assertThat(SchemaNormalization.toParsingForm(TickPrediction.getClassSchema()))
                .isEqualTo(TickPredictionWriter.WRITTEN_FOR);
        assertThat(TickPredictionWriter.SCHEMA_MATCHES).isTrue();
    }

    @Test
    void shouldWriteTheSameBytesAsAvrosGenericWriter() throws Exception {
        String[] one = {"y0"};
        String[] three = {"price", "volume ünïcödé", "z"};
        List<ForecastRecord> cases = List.of(
                forecast("AAPL", "ticks-0-17", new double[] {101.5}, one, new double[] {-0.25}),
                forecast("k", "", new double[0], new String[0], new double[0]),
                forecast(
                        "sensor/温度",
                        "id-" + "x".repeat(300),
                        new double[] {1e300, -0.0, Double.MIN_VALUE},
                        three,
                        new double[] {Double.NaN, Double.POSITIVE_INFINITY, 3}),
                forecast("neg", "n", new double[] {-1, 2}, one, new double[] {7}));
        cases.get(3).eventTime = -5;
        cases.get(3).step = Long.MAX_VALUE;
        cases.get(3).predictedAt = Long.MIN_VALUE;
        for (ForecastRecord f : cases) {
            assertThat(TickPredictionWriter.fits(f)).isTrue();
            assertThat(RecordEncoder.encode(f, OutputFormat.AVRO)).as(f.key).isEqualTo(generic(f));
            assertThat(TickPrediction.getDecoder()
                            .decode(TickPredictionWriter.encode(f))
                            .getKey()
                            .toString())
                    .isEqualTo(f.key);
        }
    }

    @Test
    void shouldWriteHorizonsIntervalsAndAnomaliesAsAvrosGenericWriter() throws Exception {
        String[] two = {"a", "b"};
        ForecastRecord oneStep = forecast("k1", "i1", new double[] {1, 2}, two, new double[] {3, 4});
        oneStep.lower = new double[] {2.5, 3.5};
        oneStep.upper = new double[] {3.5, 4.5};
        oneStep.anomalyScore = 4.25;
        oneStep.anomaly = true;

        ForecastRecord ahead = forecast("k2", "i2", new double[] {1, 2}, two, new double[] {3, 4});
        ahead.horizon = new double[] {3, 4, 5, 6, 7, 8};
        ahead.targetTimes = new long[] {1_000, 2_000, -3_000};
        // The third step has no errors yet: no interval there.
        ahead.lower = new double[] {2, 3, 4, 5, Double.NaN, Double.NaN};
        ahead.upper = new double[] {4, 5, 6, 7, Double.NaN, Double.NaN};
        ahead.anomalyScore = Double.POSITIVE_INFINITY;

        ForecastRecord unknownTimes = forecast("k3", "i3", new double[] {1, 2}, two, new double[] {3, 4});
        unknownTimes.horizon = new double[] {3, 4, 5, 6};
        unknownTimes.lower = new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        unknownTimes.upper = unknownTimes.lower;

        for (ForecastRecord f : List.of(oneStep, ahead, unknownTimes)) {
            assertThat(TickPredictionWriter.fits(f)).isTrue();
            assertThat(TickPredictionWriter.encode(f)).as(f.key).isEqualTo(generic(f));
        }
    }

    @Test
    void shouldLeaveOutputNamesThatRepeatToTheGenericWriter() throws Exception {
        ForecastRecord twins = forecast("a", "1", new double[] {1}, new String[] {"y", "y"}, new double[] {1, 2});

        assertThat(TickPredictionWriter.fits(twins)).isFalse();
        assertThat(RecordEncoder.encode(twins, OutputFormat.AVRO)).isEqualTo(generic(twins));
    }

    @Test
    void shouldFollowAModelChangeBetweenForecasts() throws Exception {
        ForecastRecord first = forecast("a", "1", new double[] {1}, new String[] {"y0"}, new double[] {1});
        ForecastRecord second = forecast("a", "2", new double[] {1}, new String[] {"next"}, new double[] {1});
        second.model = "other-model";
        second.modelVersion = "7";

        for (ForecastRecord f : List.of(first, second, first)) {
            assertThat(RecordEncoder.encode(f, OutputFormat.AVRO)).isEqualTo(generic(f));
        }
    }
}
