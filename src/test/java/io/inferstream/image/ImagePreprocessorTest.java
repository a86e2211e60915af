package io.inferstream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.ModelVersion;
import io.inferstream.inference.TensorLayout;
import java.awt.image.BufferedImage;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static ImageModelSpec spec(
            TensorLayout layout, int channels, int height, int width, float scale, float[] mean, float[] std) {
        return new ImageModelSpec(
                "m",
                new ModelVersion("1", "the test"),
                "input",
                "output",
                layout,
                channels,
                height,
                width,
                Collections.nCopies(2, "x"),
                scale,
                mean,
                std,
                false);
    }

    private static BufferedImage gray(int width, int height, int... pixels) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setPixels(0, 0, width, height, pixels);
        return image;
    }

    @Test
    void shouldScaleAndNormalizeGrayscalePixels() {
        ImageModelSpec spec = spec(TensorLayout.NCHW, 1, 2, 2, 1 / 255f, new float[] {0.5f}, new float[] {0.5f});

        float[] tensor = new ImagePreprocessor(spec).toTensor(gray(2, 2, 0, 255, 51, 102));

        // (v/255 - 0.5) / 0.5
        assertThat(tensor).containsExactly(new float[] {-1f, 1f, -0.6f, -0.2f}, within(1e-6f));
    }

    @Test
    void shouldConvertColourToGrayByLuma() {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xff0000);
        rgb.setRGB(1, 0, 0x00ff00);
        ImageModelSpec spec = spec(TensorLayout.NCHW, 1, 1, 2, 1f, new float[] {0}, new float[] {1});

        float[] tensor = new ImagePreprocessor(spec).toTensor(rgb);

        assertThat(tensor).containsExactly(new float[] {0.299f * 255, 0.587f * 255}, within(1e-3f));
    }

    @Test
    void shouldLayOutRgbChannelsFirstOrLastAsConfigured() {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0x010203);
        rgb.setRGB(1, 0, 0x040506);
        float[] mean = {0, 0, 0};
        float[] std = {1, 1, 1};

        float[] nchw = new ImagePreprocessor(spec(TensorLayout.NCHW, 3, 1, 2, 1f, mean, std)).toTensor(rgb);
        float[] nhwc = new ImagePreprocessor(spec(TensorLayout.NHWC, 3, 1, 2, 1f, mean, std)).toTensor(rgb);

        assertThat(nchw).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(nhwc).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void shouldApplyPerChannelMeanAndStd() {
        BufferedImage rgb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0x6480ff); // 100, 128, 255
        ImageModelSpec spec = spec(TensorLayout.NCHW, 3, 1, 1, 1f, new float[] {100, 28, 55}, new float[] {1, 2, 4});

        float[] tensor = new ImagePreprocessor(spec).toTensor(rgb);

        assertThat(tensor).containsExactly(0f, 50f, 50f);
    }

    @Test
    void shouldReplicateGrayIntoThreeChannels() {
        ImageModelSpec spec = spec(TensorLayout.NCHW, 3, 1, 1, 1f, new float[] {0, 0, 0}, new float[] {1, 1, 1});

        assertThat(new ImagePreprocessor(spec).toTensor(gray(1, 1, 77))).containsExactly(77, 77, 77);
    }

    @Test
    void shouldResizeBilinearlyWithHalfPixelCentres() {
        float[] src = {0, 100, 200, 300};

        float[] dst = ImagePreprocessor.resizeBilinear(src, 2, 2, 4, 4);

        assertThat(dst).hasSize(16);
        // First row by hand: sample points x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped).
        assertThat(new float[] {dst[0], dst[1], dst[2], dst[3]})
                .containsExactly(new float[] {0, 25, 75, 100}, within(1e-4f));
        // Last row reads the bottom source row only.
        assertThat(new float[] {dst[12], dst[13], dst[14], dst[15]})
                .containsExactly(new float[] {200, 225, 275, 300}, within(1e-4f));
    }

    @Test
    void shouldDownscaleToTheModelSize() {
        ImageModelSpec spec = spec(TensorLayout.NCHW, 1, 1, 1, 1f, new float[] {0}, new float[] {1});

        float[] tensor = new ImagePreprocessor(spec).toTensor(gray(2, 2, 0, 100, 200, 40));

        // One output pixel centred on the source's middle: the mean of the four.
        assertThat(tensor).containsExactly(new float[] {85f}, within(1e-4f));
    }
}
