package io.inferstream.inference;

/** Keys of ONNX {@code metadata_props} (and of sidecar files) that describe a model to Inferstream. */
public final class ModelMetadataKeys {
    public static final String NAME = "inferstream.model.name";
    public static final String VERSION = "inferstream.model.version";
    /** JSON array of class names, or a comma-separated list. */
    public static final String LABELS = "inferstream.labels";

    public static final String LAYOUT = "inferstream.input.layout";
    /** Multiplier applied to 0-255 pixel values before normalization, such as 1/255. */
    public static final String INPUT_SCALE = "inferstream.input.scale";
    /** Per-channel mean, comma-separated; one value applies to every channel. */
    public static final String INPUT_MEAN = "inferstream.input.mean";
    /** Per-channel standard deviation, comma-separated; one value applies to every channel. */
    public static final String INPUT_STD = "inferstream.input.std";
    /** {@code probabilities} or {@code logits}. */
    public static final String OUTPUT_KIND = "inferstream.output.kind";

    private ModelMetadataKeys() {}
}
