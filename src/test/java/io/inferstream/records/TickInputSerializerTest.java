package io.inferstream.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.junit.jupiter.api.Test;

/** Flink's serializer contract (copy, reuse, sequences, snapshot) plus a round trip of every field. */
class TickInputSerializerTest extends SerializerTestBase<TickInput> {

    TickInputSerializerTest() {
        // The base class's own comparisons (its concurrent duplicate() check) use this checker.
        super(new DeeplyEqualsChecker()
                .withCustomCheck(
                        (a, b) -> a instanceof TickInput && b instanceof TickInput,
                        (a, b, checker) -> same((TickInput) a, (TickInput) b)));
    }

    @Override
    protected TypeSerializer<TickInput> createSerializer() {
        return new TickInputSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<TickInput> getTypeClass() {
        return TickInput.class;
    }

    @Override
    protected TickInput[] getTestData() {
        return new TickInput[] {full(), parsedWithoutHeaders(), rejected(), new TickInput(), nullsInRaw()};
    }

    /** TickInput has no equals: compare field by field, arrays by content, doubles bit for bit (NaN too). */
    @Override
    protected void deepEquals(String message, TickInput should, TickInput is) {
        assertSame(message, should, is);
    }

    private static boolean same(TickInput should, TickInput is) {
        try {
            assertSame("", should, is);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static void assertSame(String message, TickInput should, TickInput is) {
        assertThat(is)
                .as(message)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(should);
    }

    private static TickInput full() {
        TickInput tick = new TickInput();
        tick.key = "AAPL ü 漢";
        tick.ts = 1_700_000_000_000L;
        tick.values = new double[] {101.5, -0.0, Double.NaN, Double.MAX_VALUE};
        tick.id = "order-17";
        tick.raw = new KafkaInput(
                "ticks", 3, 4_000_000_000L, 1_700_000_000_001L, "AAPL".getBytes(StandardCharsets.UTF_8), json());
        tick.raw.eventIdHeader = "evt-1";
        tick.raw.eventTimeHeader = "2023-11-14T22:13:20Z";
        tick.rejectReason = "LATE";
        tick.rejectError = "tick at 1 is 2 ms behind the watermark 2";
        return tick;
    }

    private static TickInput parsedWithoutHeaders() {
        TickInput tick = new TickInput();
        tick.key = "k";
        tick.ts = -5;
        tick.values = new double[0];
        tick.id = "ticks-0-1";
        tick.raw = new KafkaInput("ticks", 0, 1, 2, null, json());
        return tick;
    }

    private static TickInput rejected() {
        TickInput tick = new TickInput();
        tick.ts = 42;
        tick.raw = new KafkaInput("ticks", 1, 2, 42, new byte[] {(byte) 0xff}, new byte[0]);
        tick.rejectReason = "BAD_TICK";
        tick.rejectError = "x".repeat(70_000);
        return tick;
    }

    private static TickInput nullsInRaw() {
        TickInput tick = new TickInput();
        tick.key = "";
        tick.raw = new KafkaInput();
        return tick;
    }

    private static byte[] json() {
        return "{\"key\":\"AAPL\",\"ts\":1700000000000,\"values\":[101.5]}".getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripKeepsEveryField() throws Exception {
        for (TickInput tick : getTestData()) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            TickInputSerializer.INSTANCE.serialize(tick, out);
            DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
            TickInput back = TickInputSerializer.INSTANCE.deserialize(in);
            assertSame("round trip", tick, back);
            assertThat(in.available()).isZero();
        }
    }

    @Test
    void flinkTypesTicksWithThisSerializer() {
        assertThat(TypeInformation.of(TickInput.class)).isEqualTo(TickInputTypeInfo.INSTANCE);
        assertThat(TypeInformation.of(TickInput.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(TickInputSerializer.INSTANCE);
    }
}
