package io.inferstream.demo.cnn;

import io.inferstream.inference.ModelMetadataKeys;
import java.util.Map;

/**
 * The single-channel input normalization {@code (pixel * scale - mean) / std} that the model's
 * metadata prescribes and the streaming job applies.
 */
public record PixelNormalization(double scale, double mean, double std) {

    public PixelNormalization {
        if (!(scale > 0) || !Double.isFinite(mean) || !(std > 0)) {
            throw new IllegalArgumentException("normalization scale " + scale + ", mean " + mean + ", std " + std
                    + " is invalid; expected scale > 0, finite mean, std > 0");
        }
    }

    /** Reads the scale, mean and std entries of a single-channel model's metadata. */
    public static PixelNormalization fromMetadata(Map<String, String> metadata) {
        return new PixelNormalization(
                number(metadata, ModelMetadataKeys.INPUT_SCALE),
                number(metadata, ModelMetadataKeys.INPUT_MEAN),
                number(metadata, ModelMetadataKeys.INPUT_STD));
    }

    /**
     * Writes the normalized pixels of images {@code indices[from..from+count)} into
     * {@code out} as consecutive planes of one channel each (NCHW).
     */
    public void apply(IdxFiles.Images images, int[] indices, int from, int count, float[] out) {
        // In float, as the streaming job's preprocessor computes it, so both feed the model
        // bit-identical inputs.
        float scaleF = (float) scale;
        float meanF = (float) mean;
        float stdF = (float) std;
        int size = images.rows() * images.cols();
        for (int i = 0; i < count; i++) {
            byte[] pixels = images.pixels()[indices[from + i]];
            for (int p = 0; p < size; p++) {
                out[i * size + p] = ((pixels[p] & 0xFF) * scaleF - meanF) / stdF;
            }
        }
    }

    private static double number(Map<String, String> metadata, String key) {
        String value = metadata.get(key);
        if (value == null) {
            throw new IllegalArgumentException("model metadata lacks " + key + "; present keys: " + metadata.keySet());
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "model metadata " + key + " is '" + value + "', expected one number (a single channel)", e);
        }
    }
}
