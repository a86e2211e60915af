package io.inferstream.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.avro.ImageEvent;
import io.inferstream.avro.Tick;
import io.inferstream.testing.AvroBombs;
import io.inferstream.testing.Mutations;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class AvroBoundsTest {
    static final long HUGE = AvroBombs.HUGE;

    @Test
    void shouldRefuseAnArrayCountTheRecordCannotHoldBeforeAllocating() {
        byte[] tick = AvroBombs.hugeArrayTick();

        assertThat(tick).hasSize(37);
        assertThatThrownBy(() -> TickParser.parse(null, tick))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.reason())
                        .isEqualTo(RejectReason.BAD_AVRO))
                .hasMessageContaining("array block count " + HUGE)
                .hasMessageContaining("needs at least 8 bytes per item; only 15 bytes remain");
    }

    @Test
    void shouldRefuseAStringLengthBeyondTheRecord() {
        byte[] tick = AvroBombs.hugeStringTick();

        assertThatThrownBy(() -> TickParser.parse(null, tick))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.reason())
                        .isEqualTo(RejectReason.BAD_AVRO))
                .hasMessageContaining("string length " + HUGE + " at byte 11; only 20 bytes remain");
    }

    @Test
    void shouldRefuseBytesLongerThanTheImageEventHolds() throws Exception {
        byte[] event = bytes(ImageEvent.getEncoder()
                .encode(ImageEvent.newBuilder()
                        .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                        .build()));
        byte[] edited = AvroBombs.imageLengthLie(event, 1L << 30);

        assertThatThrownBy(() -> SingleObjectAvro.decode(edited, ImageEvent.getClassSchema(), ImageEvent.getDecoder()))
                .hasMessageContaining("bytes length 1073741824 at byte 14; only 3 bytes remain");
    }

    @Test
    void shouldLetThroughWhatAvroWrites() throws Exception {
        Tick tick = Tick.newBuilder()
                .setKey("sensor-1")
                .setTs(Instant.ofEpochMilli(1_700_000_000_000L))
                .setValues(List.of(1.5, -2.0, 3.25))
                .setId("t-1")
                .build();
        byte[] encoded = bytes(Tick.getEncoder().encode(tick));

        assertThat(SingleObjectAvro.decode(encoded, Tick.getClassSchema(), Tick.getDecoder()))
                .isEqualTo(tick);
    }

    @Test
    void shouldFollowNegativeBlockCountsMapsAndEnums() throws Exception {
        Schema schema = SchemaBuilder.record("R")
                .fields()
                .name("m")
                .type()
                .map()
                .values()
                .longType()
                .noDefault()
                .name("e")
                .type()
                .enumeration("E")
                .symbols("A", "B")
                .noDefault()
                .endRecord();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        AvroBombs.writeLong(body, -2); // two entries, then the block's size in bytes
        AvroBombs.writeLong(body, 6);
        body.write(new byte[] {2, 'a', 2, 2, 'b', 4});
        AvroBombs.writeLong(body, 0);
        AvroBombs.writeLong(body, 1); // enum symbol B

        assertThatCode(() -> AvroBounds.check(body.toByteArray(), 0, schema)).doesNotThrowAnyException();

        byte[] badEnum = body.toByteArray();
        badEnum[badEnum.length - 1] = 4; // symbol 2 of two
        assertThatThrownBy(() -> AvroBounds.check(badEnum, 0, schema))
                .hasMessageContaining("enum E symbol 2 at byte 9; expected 0 to 1");
    }

    @Test
    void shouldRefuseNestingDeeperThanAnySchemaWeRead() {
        Schema node = SchemaBuilder.record("Node")
                .fields()
                .name("next")
                .type()
                .optional()
                .type("Node")
                .endRecord();
        byte[] deep = new byte[1000];
        java.util.Arrays.fill(deep, (byte) 2); // union branch 1 (Node), again and again

        assertThatThrownBy(() -> AvroBounds.check(deep, 0, node)).hasMessageContaining("nest more than 64 levels");
    }

    /**
     * Mutated Avro ticks and image events: every outcome is a decoded record or a rejection,
     * never another exception and never an allocation beyond a small multiple of the input.
     */
    @Test
    void shouldDecodeOrRejectEveryMutationWithoutAnyOtherFailure() throws Exception {
        Random random = new Random(20240131);
        byte[] tick = bytes(Tick.getEncoder()
                .encode(Tick.newBuilder()
                        .setKey("k")
                        .setTs(Instant.ofEpochMilli(1_700_000_000_000L))
                        .setValues(List.of(1.0, 2.0))
                        .build()));
        byte[] event = bytes(ImageEvent.getEncoder()
                .encode(ImageEvent.newBuilder()
                        .setId("e")
                        .setEventTime(Instant.ofEpochMilli(1))
                        .setImage(ByteBuffer.wrap(new byte[40]))
                        .build()));
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            boolean isTick = i % 2 == 0;
            byte[] mutated = Mutations.mutate(isTick ? tick : event, SingleObjectAvro.HEADER_LENGTH, random);
            try {
                if (isTick) {
                    SingleObjectAvro.decode(mutated, Tick.getClassSchema(), Tick.getDecoder());
                } else {
                    SingleObjectAvro.decode(mutated, ImageEvent.getClassSchema(), ImageEvent.getDecoder());
                }
            } catch (RejectedInputException e) {
                rejected++;
            }
        }
        assertThat(rejected).as("mutations refused").isBetween(1000, 19_999);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
