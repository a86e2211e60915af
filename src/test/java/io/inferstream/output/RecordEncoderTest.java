package io.inferstream.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.ImagePrediction;
import io.inferstream.avro.ModelStatus;
import io.inferstream.avro.TickPrediction;
import io.inferstream.config.OutputFormat;
import io.inferstream.input.AvroSchemaHistory;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.ModelStatusRecord;
import io.inferstream.records.ModelUpdateRecord;
import java.nio.ByteBuffer;
import java.util.Base64;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class RecordEncoderTest {
    private static final ClassifiedImage PREDICTION = new ClassifiedImage(
            "id-1",
            "cam1",
            1_700_000_000_000L,
            "fashion-cnn",
            "1",
            new String[] {"Bag", "Coat"},
            new float[] {0.75f, 0.25f},
            1_700_000_000_123L);

    @Test
    void shouldRoundTripAPredictionThroughAvroSingleObjectEncoding() {
        byte[] bytes = RecordEncoder.encode(PREDICTION, OutputFormat.AVRO);

        assertThat(bytes[0] & 0xff).isEqualTo(0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        ImagePrediction decoded = (ImagePrediction) RecordDecoder.decodeAvro(bytes);
        assertThat(decoded.getLabel()).isEqualTo("Bag");
        assertThat(decoded.getScore()).isEqualTo(0.75f);
        assertThat(decoded.getTopK()).hasSize(2);
        assertThat(decoded.getTopK().get(1).getLabel()).isEqualTo("Coat");
        assertThat(decoded.getEventTime().toEpochMilli()).isEqualTo(1_700_000_000_000L);
        assertThat(decoded.getModelVersion()).isEqualTo("1");
    }

    @Test
    void shouldWriteJsonWithTheSameFieldNamesAsTheSchema() throws Exception {
        JsonNode json = new ObjectMapper().readTree(RecordEncoder.encode(PREDICTION, OutputFormat.JSON));

        for (org.apache.avro.Schema.Field field :
                ImagePrediction.getClassSchema().getFields()) {
            assertThat(json.has(field.name())).as(field.name()).isTrue();
        }
        assertThat(json.get("topK").get(0).get("label").asText()).isEqualTo("Bag");
        assertThat(json.get("eventTime").asLong()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void shouldKeepTheOriginalBytesOfADeadLetterInBothFormats() throws Exception {
        DeadLetterRecord d = new DeadLetterRecord();
        d.job = "image-classifier";
        d.topic = "images";
        d.partition = 1;
        d.offset = 42;
        d.key = new byte[] {1, 2};
        d.value = new byte[] {(byte) 0xff, 0, 7};
        d.reason = "UNDECODABLE_IMAGE";
        d.error = "not an image";

        DeadLetter avro = (DeadLetter) RecordDecoder.decodeAvro(RecordEncoder.encode(d, OutputFormat.AVRO));
        JsonNode json = new ObjectMapper().readTree(RecordEncoder.encode(d, OutputFormat.JSON));

        assertThat(avro.getValue()).isEqualTo(ByteBuffer.wrap(d.value));
        assertThat(avro.getOffset()).isEqualTo(42);
        assertThat(Base64.getDecoder().decode(json.get("value").asText())).isEqualTo(d.value);
        assertThat(json.get("reason").asText()).isEqualTo("UNDECODABLE_IMAGE");
    }

    @Test
    void shouldStillReadDeadLettersWrittenBeforeTheTruncationFields() throws Exception {
        Schema v1 = AvroSchemaHistory.DEAD_LETTER_1;
        GenericData.Record old = new GenericData.Record(v1);
        old.put("job", "image-classifier");
        old.put("topic", "images");
        old.put("partition", 0);
        old.put("offset", 3L);
        old.put("value", ByteBuffer.wrap(new byte[] {9}));
        old.put("recordTimestamp", 5L);
        old.put("reason", "EMPTY_VALUE");
        old.put("error", "empty");
        old.put("failedAt", 6L);
        byte[] written = new BinaryMessageEncoder<GenericData.Record>(GenericData.get(), v1)
                .encode(old)
                .array();

        DeadLetter read = (DeadLetter) RecordDecoder.decodeAvro(written);

        assertThat(read.getReason()).isEqualTo("EMPTY_VALUE");
        assertThat(read.getOffset()).isEqualTo(3);
        assertThat(read.getValueLength()).isNull();
    }

    @Test
    void shouldDescribeUnknownBytesWithoutFailing() {
        assertThat(RecordDecoder.describe(new byte[] {(byte) 0xC3, 1, 9, 9, 9, 9, 9, 9, 9, 9, 1}))
                .startsWith("11 bytes, starting C3 01");
        assertThat(RecordDecoder.describe("{\"a\":1}".getBytes())).isEqualTo("{\"a\":1}");
    }

    @Test
    void shouldCarryTheRequestIdOfAStatusAndStillReadStatusesWrittenBeforeIt() throws Exception {
        ModelUpdateRecord update =
                new ModelUpdateRecord("tick-forecaster", "models/b.onnx", "2", false).withRequestId("req-7");
        ModelStatusRecord status =
                ModelStatusRecord.of("tick-forecaster", 1, ModelStatusRecord.REFUSED, update, "1", "no");

        ModelStatus avro = (ModelStatus) RecordDecoder.decodeAvro(RecordEncoder.encode(status, OutputFormat.AVRO));
        JsonNode json = new ObjectMapper().readTree(RecordEncoder.encode(status, OutputFormat.JSON));
        assertThat(avro.getRequestId()).isEqualTo("req-7");
        assertThat(json.get("requestId").asText()).isEqualTo("req-7");

        GenericRecord old = new GenericData.Record(AvroSchemaHistory.MODEL_STATUS_1);
        old.put("job", "tick-forecaster");
        old.put("subtask", 0);
        old.put("status", "ACCEPTED");
        old.put("activeVersion", "2");
        old.put("at", 5L);
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(
                        GenericData.get(), AvroSchemaHistory.MODEL_STATUS_1)
                .encode(old);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        ModelStatus decoded = (ModelStatus) RecordDecoder.decodeAvro(bytes);
        assertThat(decoded.getActiveVersion()).isEqualTo("2");
        assertThat(decoded.getRequestId()).isNull();
    }

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
    void shouldWriteHorizonIntervalsAndTheAnomalyFlagInBothFormats() throws Exception {
        ForecastRecord f = forecast();
        f.horizon = new double[] {20.5, 21.0};
        f.targetTimes = new long[] {2_000, 3_000};
        f.lower = new double[] {20.0, Double.NaN};
        f.upper = new double[] {21.0, Double.NaN};
        f.anomalyScore = 5.5;
        f.anomaly = true;

        TickPrediction avro = (TickPrediction) RecordDecoder.decodeAvro(RecordEncoder.encode(f, OutputFormat.AVRO));
        assertThat(avro.getLower()).containsEntry("temp", 20.0);
        assertThat(avro.getUpper()).containsEntry("temp", 21.0);
        assertThat(avro.getHorizon()).hasSize(2);
        assertThat(avro.getHorizon().get(1).getAhead()).isEqualTo(2);
        assertThat(avro.getHorizon().get(1).getOutputs()).containsEntry("temp", 21.0);
        assertThat(avro.getHorizon().get(1).getTargetTime().toEpochMilli()).isEqualTo(3_000);
        assertThat(avro.getHorizon().get(1).getLower())
                .as("no errors 2 ahead yet")
                .isNull();
        assertThat(avro.getAnomalyScore()).isEqualTo(5.5);
        assertThat(avro.getAnomaly()).isTrue();

        JsonNode json = new ObjectMapper().readTree(RecordEncoder.encode(f, OutputFormat.JSON));
        for (Schema.Field field : TickPrediction.getClassSchema().getFields()) {
            assertThat(json.has(field.name())).as(field.name()).isTrue();
        }
        assertThat(json.get("horizon").get(0).get("upper").get("temp").asDouble())
                .isEqualTo(21.0);
        assertThat(json.get("horizon").get(1).has("lower")).isFalse();
        assertThat(json.get("anomaly").asBoolean()).isTrue();
    }

    @Test
    void shouldLeaveTheForecastFieldsAtTheirDefaultsWhenUnknown() throws Exception {
        TickPrediction avro =
                (TickPrediction) RecordDecoder.decodeAvro(RecordEncoder.encode(forecast(), OutputFormat.AVRO));
        assertThat(avro.getLower()).isNull();
        assertThat(avro.getHorizon()).isEmpty();
        assertThat(avro.getAnomalyScore()).isNull();
        assertThat(avro.getAnomaly()).isFalse();
        JsonNode json = new ObjectMapper().readTree(RecordEncoder.encode(forecast(), OutputFormat.JSON));
        assertThat(json.has("lower")).isFalse();
        assertThat(json.has("horizon")).isFalse();
        assertThat(json.get("anomaly").asBoolean()).isFalse();
    }

    @Test
    void shouldStillReadTickPredictionsWrittenBeforeTheForecastFields() throws Exception {
        Schema v1 = AvroSchemaHistory.TICK_PREDICTION_1;
        GenericData.Record old = new GenericData.Record(v1);
        old.put("key", "sensor-1");
        old.put("id", "ticks-0-1");
        old.put("eventTime", 5L);
        old.put("step", 1L);
        old.put("inputs", java.util.List.of(1.0));
        old.put("outputs", java.util.Map.of("y0", 2.0));
        old.put("model", "m");
        old.put("modelVersion", "1");
        old.put("predictedAt", 6L);
        ByteBuffer encoded = new BinaryMessageEncoder<GenericData.Record>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        TickPrediction read = (TickPrediction) RecordDecoder.decodeAvro(bytes);

        assertThat(read.getKey()).isEqualTo("sensor-1");
        assertThat(read.getHorizon()).isEmpty();
        assertThat(read.getAnomaly()).isFalse();
    }
}
