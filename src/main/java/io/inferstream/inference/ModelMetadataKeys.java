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
    /** Per-channel (image) or per-feature (tick) mean, comma-separated; one value applies to all. */
    public static final String INPUT_MEAN = "inferstream.input.mean";
    /** Per-channel standard deviation, comma-separated; one value applies to every channel. */
    public static final String INPUT_STD = "inferstream.input.std";
    /** {@code probabilities} or {@code logits}. */
    public static final String OUTPUT_KIND = "inferstream.output.kind";

    // RNN cells (the tick job). Tensor names; defaults x, h, y, h_next.
    /** Name of the feature input x [N,F]. */
    public static final String RNN_INPUT = "inferstream.rnn.input";
    /** Names of the state inputs, comma-separated: "h", or "h,c" for an LSTM. */
    public static final String RNN_STATE_INPUTS = "inferstream.rnn.state-inputs";
    /** Names of the next-state outputs, in the order of the state inputs: "h_next" or "h_next,c_next". */
    public static final String RNN_STATE_OUTPUTS = "inferstream.rnn.state-outputs";
    /**
     * The batch axis of each state tensor, comma-separated: one value for all, or one per state
     * input. Needed only where a state's shape has no single symbolic dimension.
     */
    public static final String RNN_STATE_BATCH_AXIS = "inferstream.rnn.state-batch-axis";
    /**
     * The batch axis of x and y, comma-separated: one value for both, or x's then y's. Needed
     * only where both leading axes of a [N,1,F] or [1,N,F] tensor are symbolic.
     */
    public static final String RNN_BATCH_AXIS = "inferstream.rnn.batch-axis";
    /** Name of the prediction output y [N,O]. */
    public static final String RNN_OUTPUT = "inferstream.rnn.output";
    /** Names of the O output columns, JSON array or comma-separated, e.g. ["forecast"]. */
    public static final String OUTPUT_NAMES = "inferstream.output.names";
    /** Per-output mean and std mapping y back to the user's units: y * std + mean. */
    public static final String OUTPUT_MEAN = "inferstream.output.mean";

    public static final String OUTPUT_STD = "inferstream.output.std";
    /** Per-key input transform before standardization: none, or log-return (ln(v_t / v_t-1)). */
    public static final String INPUT_TRANSFORM = "inferstream.input.transform";

    private ModelMetadataKeys() {}
}
