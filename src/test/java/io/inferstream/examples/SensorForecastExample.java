package io.inferstream.examples;

import io.inferstream.flink.JobOutputs;
import io.inferstream.flink.RnnForecasting;
import io.inferstream.flink.TickInputs;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.TickInput;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A user's own job with the RNN forecasting transformation (docs/sql-and-datastream.md shows this
 * code): sensor readings from the user's source, one forecast per reading to the user's sink,
 * refused readings with their reason to the user's dead-letter sink.
 */
public final class SensorForecastExample {

    /** The user's record, from their own source. */
    public static class SensorReading implements Serializable {
        public String sensor;
        public long time;
        public double celsius;

        public SensorReading() {}

        public SensorReading(String sensor, long time, double celsius) {
            this.sensor = sensor;
            this.time = time;
            this.celsius = celsius;
        }
    }

    /** What the user writes out. */
    public static class SensorForecast implements Serializable {
        public String sensor;
        public long time;
        public double nextCelsius;
        public String modelVersion;

        public SensorForecast() {}

        public SensorForecast(String sensor, long time, double nextCelsius, String modelVersion) {
            this.sensor = sensor;
            this.time = time;
            this.nextCelsius = nextCelsius;
            this.modelVersion = modelVersion;
        }
    }

    private final Source<SensorReading, ?, ?> readings;
    private final Sink<SensorForecast> forecasts;
    private final Sink<DeadLetterRecord> deadLetters;

    public SensorForecastExample(
            Source<SensorReading, ?, ?> readings, Sink<SensorForecast> forecasts, Sink<DeadLetterRecord> deadLetters) {
        this.readings = readings;
        this.forecasts = forecasts;
        this.deadLetters = deadLetters;
    }

    /** Adds the job to {@code env}; a misconfigured builder or a misfit model fails here. */
    public void build(StreamExecutionEnvironment env, String modelPath) {
        // Keyed hidden state and source positions are checkpointed together: exactly once.
        env.enableCheckpointing(10_000);
        DataStream<SensorReading> in = env.fromSource(readings, WatermarkStrategy.noWatermarks(), "sensors")
                .uid("sensors");

        RnnForecasting forecasting = RnnForecasting.builder()
                .modelPath(modelPath)
                .jobName("sensor-forecasts")
                .batchSize(128)
                .maxOutOfOrderness(Duration.ofSeconds(2))
                .build();
        JobOutputs<ForecastRecord> out = forecasting.apply(in.map(r -> TickInputs.of(r.sensor, r.time, r.celsius))
                .returns(TickInput.class)
                .uid("to-ticks"));

        out.getPredictions()
                .map(f -> new SensorForecast(f.key, f.eventTime, f.outputs[0], f.modelVersion))
                .returns(SensorForecast.class)
                .uid("to-forecasts")
                .sinkTo(forecasts)
                .uid("forecasts");
        out.getDeadLetters().sinkTo(deadLetters).uid("dead-letters");
    }
}
