package io.inferstream.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.commons.lang3.SerializationUtils;
import org.junit.jupiter.api.Test;

class TickMappingTest {
    private static final String TRADE = "{\"s\":\"BTCUSDT\",\"p\":\"43210.50\",\"T\":1700000000123}";
    private static final String SENSOR = "{\"device\":{\"id\":\"t-17\"},\"time\":\"2026-12-01T10:00:00Z\","
            + "\"readings\":{\"temp\":21.4,\"hum\":40}}";

    private static final TickMapping TRADES = new TickMapping("/s", "/T", List.of("/p"), TimeFormat.EPOCH_MS, null);
    private static final TickMapping SENSORS = new TickMapping(
            "/device/id", "/time", List.of("/readings/temp", "/readings/hum"), TimeFormat.ISO_8601, null);

    private static TickParser.Parsed parse(TickMapping mapping, String key, String json, long recordTs)
            throws RejectedInputException {
        return mapping.parse(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8),
                recordTs);
    }

    private static RejectedInputException rejection(TickMapping mapping, String json) {
        try {
            parse(mapping, "record-key", json, 5);
        } catch (RejectedInputException e) {
            return e;
        }
        throw new AssertionError("expected a rejection of " + json);
    }

    @Test
    void shouldReadTheTradeFeedWithAPriceWrittenAsText() throws Exception {
        TickParser.Parsed t = parse(TRADES, null, TRADE, 0);

        assertThat(t.key).isEqualTo("BTCUSDT");
        assertThat(t.ts).isEqualTo(1_700_000_000_123L);
        assertThat(t.values).containsExactly(43210.50);
    }

    @Test
    void shouldReadTheNestedSensorFeed() throws Exception {
        TickParser.Parsed t = parse(SENSORS, null, SENSOR, 0);

        assertThat(t.key).isEqualTo("t-17");
        assertThat(t.ts)
                .isEqualTo(java.time.Instant.parse("2026-12-01T10:00:00Z").toEpochMilli());
        assertThat(t.values).containsExactly(21.4, 40.0);
    }

    @Test
    void shouldConvertEveryTimeFormatToEpochMillis() throws Exception {
        long millis = 1_700_000_000_123L;
        Map<TimeFormat, String> times = Map.of(
                TimeFormat.EPOCH_S, "1700000000.123",
                TimeFormat.EPOCH_MS, "1700000000123",
                TimeFormat.EPOCH_US, "1700000000123456",
                TimeFormat.EPOCH_NS, "1700000000123456789",
                TimeFormat.ISO_8601, "\"2023-11-14T23:13:20.123+01:00\"",
                TimeFormat.AUTO, "1700000000123");
        for (Map.Entry<TimeFormat, String> e : times.entrySet()) {
            TickMapping mapping = new TickMapping(null, "/t", List.of("/v"), e.getKey(), null);
            String json = "{\"key\":\"k\",\"t\":" + e.getValue() + ",\"v\":1}";
            assertThat(parse(mapping, null, json, 0).ts).as(e.getKey().spelling).isEqualTo(millis);
            if (!e.getValue().startsWith("\"")) {
                String asText = "{\"key\":\"k\",\"t\":\"" + e.getValue() + "\",\"v\":1}";
                assertThat(parse(mapping, null, asText, 0).ts)
                        .as(e.getKey().spelling + " as a string")
                        .isEqualTo(millis);
            }
        }
        TickMapping seconds = new TickMapping(null, "/t", null, TimeFormat.EPOCH_S, null);
        assertThat(parse(seconds, null, "{\"key\":\"k\",\"t\":1700000000,\"value\":1}", 0).ts)
                .isEqualTo(1_700_000_000_000L);
    }

    @Test
    void shouldTakeTheKafkaKeyAndTimestampWhenChosen() throws Exception {
        TickMapping mapping = new TickMapping(
                TickMapping.KAFKA_KEY, TickMapping.KAFKA_TIMESTAMP, List.of("/p"), TimeFormat.AUTO, null);

        TickParser.Parsed t = parse(mapping, "ETHUSDT", "{\"key\":\"ignored\",\"ts\":1,\"p\":2.5}", 1_700_000_000_777L);

        assertThat(t.key).isEqualTo("ETHUSDT");
        assertThat(t.ts).isEqualTo(1_700_000_000_777L);
        assertThat(t.values).containsExactly(2.5);
        assertThat(rejection(mapping, "{\"q\":1}").getMessage()).contains("/p");
        assertThatThrownBy(() -> parse(mapping, null, "{\"p\":1}", 1))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("kafka-key");
    }

    @Test
    void shouldRefuseAMissingFieldNamingItsPath() {
        RejectedInputException e = rejection(SENSORS, SENSOR.replace(",\"hum\":40", ""));

        assertThat(e.reason()).isEqualTo(RejectReason.MISSING_FIELD);
        assertThat(e.getMessage()).contains("/readings/hum");
        assertThat(rejection(SENSORS, "{\"device\":{},\"time\":\"2026-12-01T10:00:00Z\",\"readings\":{}}")
                        .getMessage())
                .contains("/device/id");
        assertThat(rejection(TRADES, "{\"s\":\"BTCUSDT\",\"p\":null,\"T\":1}").getMessage())
                .contains("/p");
    }

    @Test
    void shouldRefuseAWrongTypeNamingItsPathAndTheValue() {
        RejectedInputException price = rejection(TRADES, "{\"s\":\"BTCUSDT\",\"p\":\"n/a\",\"T\":1700000000123}");
        RejectedInputException key = rejection(TRADES, "{\"s\":{\"a\":1},\"p\":\"1\",\"T\":1700000000123}");
        RejectedInputException time = rejection(SENSORS, SENSOR.replace("2026-12-01T10:00:00Z", "yesterday"));
        RejectedInputException nan = rejection(TRADES, "{\"s\":\"BTCUSDT\",\"p\":\"NaN\",\"T\":1700000000123}");
        RejectedInputException millis = rejection(TRADES, "{\"s\":\"BTCUSDT\",\"p\":\"1\",\"T\":true}");

        assertThat(List.of(price, key, time, nan, millis))
                .extracting(RejectedInputException::reason)
                .containsOnly(RejectReason.WRONG_FIELD_TYPE);
        assertThat(price.getMessage()).contains("/p", "'n/a'", "number");
        assertThat(key.getMessage()).contains("/s", "text");
        assertThat(time.getMessage()).contains("/time", "yesterday", "ISO-8601");
        assertThat(nan.getMessage()).contains("/p", "NaN");
        assertThat(millis.getMessage()).contains("/T", "epoch-ms");
    }

    @Test
    void shouldKeepTodaysFormatWithoutAMapping() throws Exception {
        assertThat(TickMapping.DEFAULT.isDefault()).isTrue();
        TickParser.Parsed t =
                parse(TickMapping.DEFAULT, null, "{\"key\":\"k\",\"ts\":1700000000000,\"values\":[1,2]}", 9);
        assertThat(t.key).isEqualTo("k");
        assertThat(t.ts).isEqualTo(1_700_000_000_000L);
        assertThat(t.values).containsExactly(1.0, 2.0);
        assertThat(rejection(TickMapping.DEFAULT, "{\"key\":\"k\",\"values\":[1]}")
                        .reason())
                .isEqualTo(RejectReason.BAD_TICK);
    }

    @Test
    void shouldMapFieldPathsInAnAvroRecordOfTheUsersSchema() throws Exception {
        String schemaJson = "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"gateway\",\"fields\":["
                + "{\"name\":\"device\",\"type\":{\"type\":\"record\",\"name\":\"Device\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"string\"}]}},"
                + "{\"name\":\"time\",\"type\":\"long\"},"
                + "{\"name\":\"readings\",\"type\":{\"type\":\"map\",\"values\":\"double\"}}]}";
        Schema schema = new Schema.Parser().parse(schemaJson);
        GenericRecord device = new GenericData.Record(schema.getField("device").schema());
        device.put("id", "t-17");
        GenericRecord reading = new GenericData.Record(schema);
        reading.put("device", device);
        reading.put("time", 1_700_000_000L);
        reading.put("readings", Map.of("temp", 21.4, "hum", 40.0));
        TickMapping mapping = new TickMapping(
                "/device/id", "/time", List.of("/readings/temp", "/readings/hum"), TimeFormat.EPOCH_S, schemaJson);

        TickParser.Parsed t = mapping.parse(null, singleObject(schema, reading), 0);

        assertThat(t.key).isEqualTo("t-17");
        assertThat(t.ts).isEqualTo(1_700_000_000_000L);
        assertThat(t.values).containsExactly(21.4, 40.0);

        reading.put("readings", Map.of("temp", 21.4));
        assertThatThrownBy(() -> mapping.parse(null, singleObject(schema, reading), 0))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.reason())
                        .isEqualTo(RejectReason.MISSING_FIELD))
                .hasMessageContaining("/readings/hum");
        TickMapping keyFromMap =
                new TickMapping("/readings/temp", "/time", List.of("/device/id"), TimeFormat.EPOCH_S, schemaJson);
        reading.put("readings", Map.of("temp", 21.4, "hum", 40.0));
        assertThatThrownBy(() -> keyFromMap.parse(null, singleObject(schema, reading), 0))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("/readings/temp");
        assertThatThrownBy(() -> keyFromMap.parse(null, singleObject(schema, reading), 0))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.reason())
                        .isEqualTo(RejectReason.WRONG_FIELD_TYPE));
    }

    @Test
    void shouldMapFieldsOfTheAvroTickToo() throws Exception {
        io.inferstream.avro.Tick tick = io.inferstream.avro.Tick.newBuilder()
                .setKey("AAPL")
                .setTs(java.time.Instant.ofEpochMilli(1_700_000_000_000L))
                .setValues(List.of(1.5, 2.5))
                .build();
        ByteBuffer buffer = io.inferstream.avro.Tick.getEncoder().encode(tick);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        TickMapping secondValue = new TickMapping(null, null, List.of("/values/1"), TimeFormat.AUTO, null);

        TickParser.Parsed t = secondValue.parse(null, bytes, 0);

        assertThat(t.key).isEqualTo("AAPL");
        assertThat(t.ts).isEqualTo(1_700_000_000_000L);
        assertThat(t.values).containsExactly(2.5);
    }

    @Test
    void shouldRefuseMalformedPathsAtConstructionAndSurviveSerialization() throws Exception {
        assertThatThrownBy(() -> new TickMapping("device.id", null, null, TimeFormat.AUTO, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device.id");
        TickMapping copy = SerializationUtils.clone(TRADES);
        assertThat(parse(copy, null, TRADE, 0).values).containsExactly(43210.50);
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SingleObjectAvro.fingerprint(schema))
                .array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
