package io.inferstream.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.avro.Tick;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TickParserTest {

    private static TickParser.Parsed parse(String key, String json) throws RejectedInputException {
        return TickParser.parse(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    private static RejectReason reason(String key, String json) {
        try {
            parse(key, json);
            throw new AssertionError("expected a rejection of " + json);
        } catch (RejectedInputException e) {
            return e.reason();
        }
    }

    @Test
    void shouldParseTheDocumentedJsonForm() throws Exception {
        TickParser.Parsed t = parse(null, "{\"key\":\"AAPL\",\"ts\":1700000000000,\"values\":[101.5, 7]}");

        assertThat(t.key).isEqualTo("AAPL");
        assertThat(t.ts).isEqualTo(1_700_000_000_000L);
        assertThat(t.values).containsExactly(101.5, 7.0);
        assertThat(t.id).isNull();
    }

    /**
     * Numbers are read by Jackson's FastDoubleParser, not the JDK's: both must round every decimal
     * text to the same double, bit for bit, through the streaming path and the tree model alike.
     */
    @Test
    void shouldReadEveryNumberToTheBitAsTheJdkDoes() throws Exception {
        List<String> texts = new ArrayList<>(List.of(
                "0.1",
                "101.53627481920384",
                "2.2250738585072011e-308", // just below the smallest normal double
                "2.2250738585072012e-308",
                "4.9e-324",
                "2.4703282292062328e-324", // rounds up to the smallest subnormal
                "1.7976931348623157e308",
                "9007199254740993", // 2^53 + 1: halfway, rounds to even
                "0.30000000000000004",
                "123456789012345678901234567890",
                "1.00000000000000011102230246251565404236316680908203125", // exactly halfway
                "1.000000000000000111022302462515654042363166809082031250000000001",
                "-0.0"));
        java.util.Random random = new java.util.Random(14);
        while (texts.size() < 20_000) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(d)) {
                texts.add(Double.toString(d));
                texts.add(String.format(java.util.Locale.ROOT, "%.17e", d));
            }
            double reading = 100 + random.nextGaussian() * 3;
            texts.add(Double.toString(reading));
            texts.add(String.format(java.util.Locale.ROOT, "%.20f", reading));
        }
        for (String text : texts) {
            long jdk = Double.doubleToRawLongBits(Double.parseDouble(text));
            TickParser.Parsed streamed = parse("k", "{\"ts\":1,\"values\":[" + text + "," + text + "]}");
            TickParser.Parsed tree = TickParser.parseTree(
                    ("{\"ts\":1,\"value\":" + text + "}").getBytes(StandardCharsets.UTF_8), new byte[] {'k'});
            assertThat(Double.doubleToRawLongBits(streamed.values[1])).as(text).isEqualTo(jdk);
            assertThat(Double.doubleToRawLongBits(tree.values[0])).as(text).isEqualTo(jdk);
        }
    }

    @Test
    void shouldAcceptIsoTimeASingleValueAndTheKafkaKey() throws Exception {
        TickParser.Parsed t = parse("sensor-7", "{\"ts\":\"2023-11-14T22:13:20Z\",\"value\":3.25,\"id\":\"e1\"}");

        assertThat(t.key).isEqualTo("sensor-7");
        assertThat(t.ts).isEqualTo(1_700_000_000_000L);
        assertThat(t.values).containsExactly(3.25);
        assertThat(t.id).isEqualTo("e1");
    }

    @Test
    void shouldPreferTheBodyKeyOverTheRecordKey() throws Exception {
        assertThat(parse("other", "{\"key\":\"AAPL\",\"ts\":1,\"value\":1}").key)
                .isEqualTo("AAPL");
    }

    @Test
    void shouldParseNanSoThatValidationCanNameIt() throws Exception {
        assertThat(parse("k", "{\"ts\":1,\"value\":NaN}").values[0]).isNaN();
    }

    @Test
    void shouldDecodeAnAvroTick() throws Exception {
        Tick tick = Tick.newBuilder()
                .setKey("MSFT")
                .setTs(Instant.ofEpochMilli(5))
                .setValues(List.of(1.5, 2.5))
                .build();
        ByteBuffer encoded = Tick.getEncoder().encode(tick);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        TickParser.Parsed t = TickParser.parse(null, bytes);

        assertThat(t.key).isEqualTo("MSFT");
        assertThat(t.values).containsExactly(1.5, 2.5);
    }

    @Test
    void shouldRejectWhatIsNotATickWithItsReason() {
        assertThat(reason("k", "not json")).isEqualTo(RejectReason.BAD_TICK);
        assertThat(reason("k", "[1,2]")).isEqualTo(RejectReason.BAD_TICK);
        assertThat(reason("k", "{\"value\":1}")).isEqualTo(RejectReason.BAD_TICK);
        assertThat(reason("k", "{\"ts\":\"yesterday\",\"value\":1}")).isEqualTo(RejectReason.BAD_TICK);
        assertThat(reason("k", "{\"ts\":1,\"values\":[\"a\"]}")).isEqualTo(RejectReason.BAD_TICK);
        assertThat(reason("k", "{\"ts\":1}")).isEqualTo(RejectReason.BAD_TICK);
        assertThat(reason(null, "{\"ts\":1,\"value\":1}")).isEqualTo(RejectReason.MISSING_KEY);
        assertThat(reason("k", "")).isEqualTo(RejectReason.EMPTY_VALUE);
    }

    @Test
    void shouldExplainAMissingTimestamp() {
        assertThatThrownBy(() -> parse("k", "{\"value\":1}"))
                .hasMessageContaining("tick has no \"ts\"; expected epoch millis or ISO-8601");
    }

    private static String error(byte[] key, String json) {
        try {
            TickParser.parse(key, json.getBytes(StandardCharsets.UTF_8));
            throw new AssertionError("expected a rejection of " + json);
        } catch (RejectedInputException e) {
            return e.reason() + ": " + e.getMessage();
        }
    }

    @Test
    void shouldAcceptAWholeFloatAsEpochMillis() throws Exception {
        assertThat(parse("k", "{\"ts\":1700000002500.0,\"value\":1}").ts).isEqualTo(1_700_000_002_500L);
        assertThat(parse("k", "{\"ts\":1.7000000025E12,\"value\":1}").ts).isEqualTo(1_700_000_002_500L);
    }

    @Test
    void shouldRefuseAFractionalOrOversizedTsNamingIt() {
        assertThat(error(null, "{\"key\":\"k\",\"ts\":1700000002500.5,\"value\":1}"))
                .isEqualTo("BAD_TICK: \"ts\" = 1.7000000025005E12 is not a whole number; expected epoch milliseconds"
                        + " like 1700000000000");
        assertThat(error(null, "{\"key\":\"k\",\"ts\":1e30,\"value\":1}")).startsWith("BAD_TICK: \"ts\" = 1.0E30");
        // An integer past Long.MAX_VALUE must not wrap around into some other time.
        assertThat(error(null, "{\"key\":\"k\",\"ts\":17000000000000000000000,\"value\":1}"))
                .isEqualTo("BAD_TICK: \"ts\" = 17000000000000000000000 does not fit a long; expected epoch"
                        + " milliseconds");
        // Instant parses years up to 1,000,000,000; their millis overflow a long.
        assertThat(error(null, "{\"key\":\"k\",\"ts\":\"+1000000000-01-01T00:00:00Z\",\"value\":1}"))
                .startsWith("BAD_TICK: \"ts\" = '+1000000000-01-01T00:00:00Z': beyond the epoch milliseconds");
    }

    @Test
    void shouldDeadLetterAKafkaKeyThatIsNotUtf8InsteadOfMergingIt() throws Exception {
        byte[] invalid = {'s', (byte) 0xC3, '1'};
        assertThat(error(invalid, "{\"ts\":1,\"value\":1}"))
                .isEqualTo("INVALID_KEY: the Kafka key 73C331 is not valid UTF-8; expected a UTF-8 series key (or a"
                        + " \"key\" in the tick)");
        // Lenient decoding made both of these "s\uFFFD1".
        assertThat(reason(null, "{\"ts\":1,\"value\":1}")).isEqualTo(RejectReason.MISSING_KEY);
        assertThat(TickParser.parse(
                                "sé1".getBytes(StandardCharsets.UTF_8),
                                "{\"ts\":1,\"value\":1}".getBytes(StandardCharsets.UTF_8))
                        .key)
                .isEqualTo("sé1");
        // The body's key wins; the record key is then not used, valid or not.
        assertThat(TickParser.parse(invalid, "{\"key\":\"k\",\"ts\":1,\"value\":1}".getBytes(StandardCharsets.UTF_8))
                        .key)
                .isEqualTo("k");
    }
}
