package io.inferstream.inference;

import java.io.Serializable;
import java.util.List;

/**
 * What the job needs to know about an image classifier: tensor names, geometry, labels and input
 * normalization, resolved from the model's shapes, its metadata and the user's overrides.
 */
public final class ImageModelSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String modelName;
    public final String modelVersion;
    /** Where {@link #modelVersion} came from, as start-up reports it. */
    public final String versionSource;

    public final String inputName;
    public final String outputName;
    public final TensorLayout layout;
    public final int channels;
    public final int height;
    public final int width;
    public final List<String> labels;
    public final float inputScale;
    public final float[] mean;
    public final float[] std;
    /** Whether the model outputs logits, so the job applies softmax. */
    public final boolean logits;

    public ImageModelSpec(
            String modelName,
            ModelVersion version,
            String inputName,
            String outputName,
            TensorLayout layout,
            int channels,
            int height,
            int width,
            List<String> labels,
            float inputScale,
            float[] mean,
            float[] std,
            boolean logits) {
        this.modelName = modelName;
        this.modelVersion = version.value();
        this.versionSource = version.source();
        this.inputName = inputName;
        this.outputName = outputName;
        this.layout = layout;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labels = List.copyOf(labels);
        this.inputScale = inputScale;
        this.mean = mean.clone();
        this.std = std.clone();
        this.logits = logits;
    }

    /** Number of floats one image occupies in the input tensor. */
    public int imageSize() {
        return channels * height * width;
    }

    public int numClasses() {
        return labels.size();
    }

    /** The input tensor shape for a batch of n images. */
    public long[] inputShape(int n) {
        return layout == TensorLayout.NCHW
                ? new long[] {n, channels, height, width}
                : new long[] {n, height, width, channels};
    }

    @Override
    public String toString() {
        return String.format(
                "%s v%s: %s %s %dx%dx%d -> %s [%d classes]; version from %s",
                modelName,
                modelVersion,
                inputName,
                layout,
                channels,
                height,
                width,
                outputName,
                labels.size(),
                versionSource);
    }
}
