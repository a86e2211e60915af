package io.inferstream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.input.RejectReason;
import io.inferstream.input.RejectedInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(1_000_000);

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("writer for " + format).isTrue();
        return out.toByteArray();
    }

    static BufferedImage gradient(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = (x * 7 + y * 13) & 0xff;
                image.setRGB(x, y, 0xff000000 | v << 16 | (255 - v) << 8 | (v / 2));
            }
        }
        return image;
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpg", "bmp", "gif"})
    void shouldDecodeEveryFormatImageIoWrites(String format) throws Exception {
        byte[] bytes = encode(gradient(40, 30, BufferedImage.TYPE_INT_RGB), format);

        BufferedImage decoded = decoder.decode(bytes);

        assertThat(decoded.getWidth()).isEqualTo(40);
        assertThat(decoded.getHeight()).isEqualTo(30);
    }

    @Test
    void shouldKeepGrayscalePixelsExactlyThroughPng() throws Exception {
        BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setPixels(0, 0, 3, 1, new int[] {0, 17, 255});

        BufferedImage decoded = decoder.decode(encode(gray, "png"));

        assertThat(decoded.getRaster().getPixels(0, 0, 3, 1, (int[]) null)).containsExactly(0, 17, 255);
    }

    @Test
    void shouldRejectEmptyValue() {
        assertThatThrownBy(() -> decoder.decode(new byte[0]))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("empty")
                .satisfies(
                        e -> assertThat(((RejectedInputException) e).reason()).isEqualTo(RejectReason.EMPTY_VALUE));
    }

    @Test
    void shouldRejectBytesThatAreNoImageNamingTheFirstBytes() {
        assertThatThrownBy(() -> decoder.decode("hello world".getBytes()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("not an image format")
                .hasMessageContaining("68 65 6C 6C")
                .satisfies(e ->
                        assertThat(((RejectedInputException) e).reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpg", "bmp", "gif"})
    void shouldRejectTruncatedImages(String format) throws Exception {
        byte[] bytes = encode(gradient(64, 64, BufferedImage.TYPE_INT_RGB), format);
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> decoder.decode(truncated))
                .isInstanceOf(RejectedInputException.class)
                .satisfies(e ->
                        assertThat(((RejectedInputException) e).reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE));
    }

    @Test
    void shouldRejectCorruptPixelDataBehindAValidHeader() throws Exception {
        byte[] bytes = encode(gradient(64, 64, BufferedImage.TYPE_INT_RGB), "png");
        // Keep the signature and IHDR (first 33 bytes), scramble the compressed pixels.
        for (int i = 60; i < bytes.length - 20; i++) {
            bytes[i] = (byte) (bytes[i] * 31 + 7);
        }

        assertThatThrownBy(() -> decoder.decode(bytes))
                .isInstanceOf(RejectedInputException.class)
                .satisfies(e ->
                        assertThat(((RejectedInputException) e).reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE));
    }

    @Test
    void shouldRejectImagesAboveThePixelLimitFromTheHeaderAlone() throws Exception {
        // 3000x3000 of one colour compresses to a few kilobytes: a small decompression bomb.
        byte[] bomb = encode(new BufferedImage(3000, 3000, BufferedImage.TYPE_BYTE_GRAY), "png");
        assertThat(bomb.length).isLessThan(100_000);

        assertThatThrownBy(() -> decoder.decode(bomb))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("3000x3000 = 9000000 pixels")
                .hasMessageContaining("limits.max-pixels")
                .hasMessageContaining("1000000")
                .satisfies(
                        e -> assertThat(((RejectedInputException) e).reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE));
    }
}
