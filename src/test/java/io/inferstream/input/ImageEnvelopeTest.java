package io.inferstream.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ImageEnvelopeTest {
    private static final byte[] PNG_START = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    private static final ImageEnvelope CAMERA = new ImageEnvelope("/jpeg", "/camera", "/ts", TimeFormat.EPOCH_MS);

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldOpenACameraEnvelope() throws Exception {
        String base64 = Base64.getEncoder().encodeToString(PNG_START);

        ImageEnvelope.Opened opened =
                CAMERA.open(json("{\"camera\":\"c1\",\"ts\":1700000000123,\"jpeg\":\"" + base64 + "\"}"));

        assertThat(opened.image).isEqualTo(PNG_START);
        assertThat(opened.source).isEqualTo("c1");
        assertThat(opened.eventTime).isEqualTo(1_700_000_000_123L);
        assertThat(CAMERA.open(json("{\"camera\":\"c1\",\"ts\":1,\"jpeg\":\"data:image/png;base64," + base64 + "\"}"))
                        .image)
                .isEqualTo(PNG_START);
    }

    @Test
    void shouldLeaveRawBytesAloneAndKeepKafkaKeyAndTimeWhenChosen() throws Exception {
        assertThat(CAMERA.appliesTo(PNG_START)).isFalse();
        assertThat(ImageEnvelope.NONE.appliesTo(json("{\"jpeg\":\"\"}"))).isFalse();
        ImageEnvelope bytesOnly = new ImageEnvelope(
                "/frame/data", ImageEnvelope.KAFKA_KEY, ImageEnvelope.KAFKA_TIMESTAMP, TimeFormat.AUTO);

        ImageEnvelope.Opened opened = bytesOnly.open(json("{\"frame\":{\"data\":\"AQID\"}}"));

        assertThat(opened.image).containsExactly(1, 2, 3);
        assertThat(opened.source).isNull();
        assertThat(opened.eventTime).isNull();
    }

    @Test
    void shouldRefuseMissingAndWrongFieldsNamingThePath() {
        assertThatThrownBy(() -> CAMERA.open(json("{\"camera\":\"c1\",\"ts\":1}")))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.reason())
                        .isEqualTo(RejectReason.MISSING_FIELD))
                .hasMessageContaining("/jpeg");
        assertThatThrownBy(() -> CAMERA.open(json("{\"camera\":\"c1\",\"ts\":1,\"jpeg\":\"not base64!\"}")))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.reason())
                        .isEqualTo(RejectReason.WRONG_FIELD_TYPE))
                .hasMessageContaining("/jpeg")
                .hasMessageContaining("base64");
        assertThatThrownBy(() -> CAMERA.open(json("{\"camera\":[1],\"ts\":1,\"jpeg\":\"AQID\"}")))
                .hasMessageContaining("/camera");
        assertThatThrownBy(() -> CAMERA.open(json("{\"camera\":\"c1\",\"ts\":\"noon\",\"jpeg\":\"AQID\"}")))
                .hasMessageContaining("/ts");
        assertThatThrownBy(() -> CAMERA.open(json("{\"camera\":\"c1\",")))
                .isInstanceOfSatisfying(RejectedInputException.class, e -> assertThat(e.reason())
                        .isEqualTo(RejectReason.UNDECODABLE_IMAGE));
    }
}
