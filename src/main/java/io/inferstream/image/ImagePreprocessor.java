package io.inferstream.image;

import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.TensorLayout;
import java.awt.image.BufferedImage;

/**
 * Turns a decoded image into one row of the model's input tensor: channel conversion, bilinear
 * resize to the model's size, {@code value * scale}, per-channel {@code (v - mean) / std}, and
 * NCHW or NHWC order. Plain arithmetic on 0-255 values, so results are exact and reproducible.
 */
public final class ImagePreprocessor {
    private final ImageModelSpec spec;

    public ImagePreprocessor(ImageModelSpec spec) {
        this.spec = spec;
    }

    /** Returns {@code spec.imageSize()} floats in the model's layout. */
    public float[] toTensor(BufferedImage image) {
        float[][] planes = channelPlanes(image, spec.channels);
        float[] tensor = new float[spec.imageSize()];
        int h = spec.height;
        int w = spec.width;
        for (int c = 0; c < spec.channels; c++) {
            float[] plane = resizeBilinear(planes[c], image.getWidth(), image.getHeight(), w, h);
            float scale = spec.inputScale;
            float mean = spec.mean[c];
            float std = spec.std[c];
            for (int i = 0; i < h * w; i++) {
                float v = (plane[i] * scale - mean) / std;
                int index = spec.layout == TensorLayout.NCHW ? c * h * w + i : i * spec.channels + c;
                tensor[index] = v;
            }
        }
        return tensor;
    }

    /**
     * Pixel values 0-255 per channel. Grayscale rasters are read as stored (getRGB would apply a
     * colour-space conversion and change them); colour goes to gray by ITU-R 601 luma.
     */
    static float[][] channelPlanes(BufferedImage image, int channels) {
        int width = image.getWidth();
        int height = image.getHeight();
        int pixels = width * height;
        float[][] planes = new float[channels][pixels];
        int type = image.getType();
        if (type == BufferedImage.TYPE_BYTE_GRAY || type == BufferedImage.TYPE_USHORT_GRAY) {
            int[] samples = image.getRaster().getSamples(0, 0, width, height, 0, (int[]) null);
            float toByteRange = type == BufferedImage.TYPE_USHORT_GRAY ? 255f / 65535f : 1f;
            for (int i = 0; i < pixels; i++) {
                float v = samples[i] * toByteRange;
                for (int c = 0; c < channels; c++) {
                    planes[c][i] = v;
                }
            }
            return planes;
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < pixels; i++) {
            int p = argb[i];
            float alpha = ((p >>> 24) & 0xff) / 255f;
            // Transparent pixels composite onto black.
            float r = ((p >> 16) & 0xff) * alpha;
            float g = ((p >> 8) & 0xff) * alpha;
            float b = (p & 0xff) * alpha;
            if (channels == 1) {
                planes[0][i] = 0.299f * r + 0.587f * g + 0.114f * b;
            } else {
                planes[0][i] = r;
                planes[1][i] = g;
                planes[2][i] = b;
            }
        }
        return planes;
    }

    /**
     * Bilinear resampling with half-pixel centres (as PIL and torchvision do); the identity when
     * the size already matches.
     */
    static float[] resizeBilinear(float[] src, int srcW, int srcH, int dstW, int dstH) {
        if (srcW == dstW && srcH == dstH) {
            return src;
        }
        float[] dst = new float[dstW * dstH];
        float sx = (float) srcW / dstW;
        float sy = (float) srcH / dstH;
        for (int y = 0; y < dstH; y++) {
            float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, srcH - 1);
            int y1 = Math.min(y0 + 1, srcH - 1);
            float wy = fy - y0;
            for (int x = 0; x < dstW; x++) {
                float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, srcW - 1);
                int x1 = Math.min(x0 + 1, srcW - 1);
                float wx = fx - x0;
                float top = src[y0 * srcW + x0] * (1 - wx) + src[y0 * srcW + x1] * wx;
                float bottom = src[y1 * srcW + x0] * (1 - wx) + src[y1 * srcW + x1] * wx;
                dst[y * dstW + x] = top * (1 - wy) + bottom * wy;
            }
        }
        return dst;
    }
}
