package io.inferstream.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming JSON path against the tree-model path it speeds up: for every input, with and
 * without a Kafka key, the parsed tick or the rejection (reason and message) is the same.
 */
class TickParserStreamingTest {

    /** Ticks the streaming path must read itself, not hand on to the tree. */
    private static final List<String> USUAL = List.of(
            "{\"key\":\"AAPL\",\"ts\":1700000000000,\"values\":[101.5, 7]}",
            "{\"ts\":\"2023-11-14T22:13:20Z\",\"value\":3.25,\"id\":\"e1\"}",
            "{\"key\":\"k\",\"ts\":1700000002500.0,\"value\":1}",
            "{\"key\":\"k\",\"ts\":1.7000000025E12,\"value\":-0.0}",
            "{\"values\":[1,2,3,4,5,6,7,8,9,10,11,12],\"ts\":-5,\"key\":\"k\"}",
            "{\"key\":null,\"ts\":1,\"value\":1,\"id\":null}",
            "{\"key\":\"k\",\"ts\":1,\"value\":NaN}",
            "{\"key\":\"k\",\"ts\":1,\"values\":[Infinity,-Infinity,1e400,123456789012345678901234567890]}",
            "{\"key\":\"k\",\"ts\":1,\"values\":[]}",
            "{\"key\":\"k\",\"ts\":1,\"values\":[1],\"value\":2}",
            "{\"key\":\"\\u00e9\\n\",\"ts\":1,\"value\":1}",
            "{\"key\":\"\",\"ts\":1,\"value\":1}",
            "  {\"key\":\"k\",\"extra\":{\"a\":[1,{\"b\":null}]},\"more\":[[]],\"s\":\"x\",\"ts\":1,\"value\":1}  \n",
            "{\"key\":\"k\",\"ts\":9223372036854775807,\"value\":1}",
            "{\"key\":\"k\",\"ts\":-9223372036854775808,\"value\":1}");

    /** Ticks the tree path decides (refused, or unusual enough to hand on). */
    private static final List<String> UNUSUAL = List.of(
            "not json",
            "[1,2]",
            "1",
            "\"s\"",
            "null",
            " ",
            "{",
            "{}",
            "{\"ts\":1,\"value\":1",
            "{\"ts\":1,\"value\":1} x",
            "{\"ts\":1,\"value\":1}{}",
            "{\"ts\":1,\"value\":1}}",
            "{\"ts\":1,\"value\":1,}",
            "{'ts':1,'value':1}",
            "{\"value\":1}",
            "{\"ts\":1}",
            "{\"ts\":null,\"value\":1}",
            "{\"ts\":true,\"value\":1}",
            "{\"ts\":{},\"value\":1}",
            "{\"ts\":[1],\"value\":1}",
            "{\"ts\":\"yesterday\",\"value\":1}",
            "{\"ts\":\"1700000000000\",\"value\":1}",
            "{\"ts\":1700000002500.5,\"value\":1}",
            "{\"ts\":1e30,\"value\":1}",
            "{\"ts\":NaN,\"value\":1}",
            "{\"ts\":9223372036854775808,\"value\":1}",
            "{\"ts\":17000000000000000000000,\"value\":1}",
            "{\"ts\":9.3e18,\"value\":1}",
            "{\"ts\":\"+1000000000-01-01T00:00:00Z\",\"value\":1}",
            "{\"ts\":1,\"values\":[\"a\"]}",
            "{\"ts\":1,\"values\":[null]}",
            "{\"ts\":1,\"values\":[1,[2]]}",
            "{\"ts\":1,\"values\":\"1,2\"}",
            "{\"ts\":1,\"values\":null}",
            "{\"ts\":1,\"values\":null,\"value\":1}",
            "{\"ts\":1,\"values\":{}}",
            "{\"ts\":1,\"value\":null}",
            "{\"ts\":1,\"value\":true}",
            "{\"ts\":1,\"value\":\"1.5\"}",
            "{\"ts\":1,\"value\":[1]}",
            "{\"key\":\"a\",\"key\":\"b\",\"ts\":1,\"value\":1}",
            "{\"key\":\"a\",\"ts\":1,\"ts\":2,\"value\":1}",
            "{\"key\":\"a\",\"ts\":1,\"value\":1,\"value\":2}",
            "{\"key\":\"a\",\"ts\":1,\"values\":[1],\"values\":[2,3]}",
            "{\"key\":\"a\",\"ts\":1,\"values\":[1],\"values\":\"x\"}",
            "{\"key\":\"a\",\"id\":\"1\",\"id\":\"2\",\"ts\":1,\"value\":1}",
            "{\"key\":123,\"ts\":1,\"value\":1}",
            "{\"key\":true,\"ts\":1,\"value\":1}",
            "{\"key\":{\"a\":1},\"ts\":1,\"value\":1}",
            "{\"key\":[\"a\"],\"ts\":1,\"value\":1}",
            "{\"key\":\"k\",\"id\":5,\"ts\":1,\"value\":1}",
            "{\"key\":\"k\",\"id\":1.5,\"ts\":1,\"value\":1}",
            "{\"key\":\"k\",\"id\":{},\"ts\":1,\"value\":1}",
            "{\"key\":\"k\",\"ts\":1,\"value\":1,\"extra\":[1,}",
            "{\"key\":\"k\",\"ts\":1,\"value\":1, // comment\n}",
            "{\"key\":\"k\",\"ts\":1,\"value\":01}",
            "{\"key\":\"k\",\"ts\":1,\"value\":+1}",
            "{\"key\":\"k\",\"ts\":1,\"value\":.5}",
            "{\"key\":\"k\",\"ts\":1,\"deep\":" + "[".repeat(1_100) + "]".repeat(1_100) + ",\"value\":1}");

    @Test
    void shouldReadTheUsualTicksWithoutTheTree() {
        for (String json : USUAL) {
            assertThat(TickParser.streamed(bytes(json), bytes("rk"))).as(json).isNotNull();
        }
    }

    @Test
    void shouldGiveWhatTheTreeModelGivesForEveryInput() {
        List<String> all = new ArrayList<>(USUAL);
        all.addAll(UNUSUAL);
        for (String json : all) {
            for (byte[] recordKey : new byte[][] {null, bytes("rk"), {'s', (byte) 0xC3, '1'}}) {
                String tree = outcome(() -> TickParser.parseTree(bytes(json), recordKey));
                assertThat(outcome(() -> TickParser.parse(recordKey, bytes(json))))
                        .as(json + " with key " + Arrays.toString(recordKey))
                        .isEqualTo(tree);
            }
        }
    }

    @Test
    void shouldReadUtf16LikeTheTree() {
        byte[] utf16 = "{\"key\":\"k\",\"ts\":1,\"value\":1}".getBytes(StandardCharsets.UTF_16BE);
        assertThat(outcome(() -> TickParser.parse(null, utf16)))
                .isEqualTo(outcome(() -> TickParser.parseTree(utf16, null)))
                .startsWith("k@1");
    }

    private interface Parse {
        TickParser.Parsed run() throws RejectedInputException;
    }

    /** A parsed tick or a rejection as one comparable text, doubles bit for bit. */
    private static String outcome(Parse parse) {
        try {
            TickParser.Parsed t = parse.run();
            long[] bits = new long[t.values.length];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = Double.doubleToRawLongBits(t.values[i]);
            }
            return t.key + "@" + t.ts + " " + Arrays.toString(bits) + " id=" + t.id;
        } catch (RejectedInputException e) {
            return e.reason() + ": " + e.getMessage();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
