package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.avro.TickPrediction;
import io.inferstream.config.OutputFormat;
import io.inferstream.output.RecordDecoder;
import io.inferstream.output.RecordEncoder;
import io.inferstream.records.ForecastRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ForecastTextTest {

    private static ForecastRecord forecast() {
        ForecastRecord f = new ForecastRecord();
        f.key = "sensor-1";
        f.id = "ticks-0-7";
        f.eventTime = 1_000;
        f.step = 30;
        f.inputs = new double[] {20.0};
        f.outputNames = new String[] {"temp"};
        f.outputs = new double[] {20.5};
        f.model = "sensor-esn";
        f.modelVersion = "1";
        f.predictedAt = 2_000;
        return f;
    }

    @Test
    void shouldPrintAForecastWithItsIntervalHorizonAndFlagOnOneLine() {
        ForecastRecord f = forecast();
        f.horizon = new double[] {20.5, 21.25};
        f.targetTimes = new long[] {2_000, 3_000};
        f.lower = new double[] {20.0, Double.NaN};
        f.upper = new double[] {21.0, Double.NaN};
        f.anomalyScore = 5.5;
        f.anomaly = true;
        byte[] value = RecordEncoder.encode(f, OutputFormat.AVRO);

        String line = TailCommand.line(new ConsumerRecord<>("tick-predictions", 0, 7, "sensor-1".getBytes(), value));

        assertThat(line)
                .startsWith("0:7 sensor-1 TickPrediction sensor-1 step 30 at 1970-01-01T00:00:01Z, inputs [20.0]")
                .contains("temp=20.5000 [20.0000, 21.0000]")
                .contains("+2 (1970-01-01T00:00:03Z) temp=21.2500 |")
                .contains("score 5.50 ANOMALY");
    }

    @Test
    void shouldLeaveOutWhatIsNotKnownYet() {
        TickPrediction p =
                (TickPrediction) RecordDecoder.decodeAvro(RecordEncoder.encode(forecast(), OutputFormat.AVRO));
        assertThat(ForecastText.of(p))
                .contains("-> temp=20.5000 (sensor-esn v1")
                .doesNotContain("score")
                .doesNotContain("ANOMALY");
    }
}
