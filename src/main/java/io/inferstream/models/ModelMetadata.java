package io.inferstream.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The ONNX {@code metadata_props} that tell the streaming job how to use a classifier. */
public final class ModelMetadata {

    public static final String MODEL_NAME = "inferstream.model.name";
    public static final String MODEL_VERSION = "inferstream.model.version";
    /** A JSON array of class names, in output order. */
    public static final String LABELS = "inferstream.labels";
    /** {@code NCHW} or {@code NHWC}. */
    public static final String INPUT_LAYOUT = "inferstream.input.layout";
    /** Multiplier taking raw pixels to the range the mean and std refer to. */
    public static final String INPUT_SCALE = "inferstream.input.scale";
    /** Comma-separated, one value per channel. */
    public static final String INPUT_MEAN = "inferstream.input.mean";
    /** Comma-separated, one value per channel. */
    public static final String INPUT_STD = "inferstream.input.std";
    /** {@code probabilities}, or {@code logits} for the job to apply softmax. */
    public static final String OUTPUT_KIND = "inferstream.output.kind";

    private ModelMetadata() {}

    /** The metadata of a single-channel NCHW classifier whose output is probabilities. */
    public static Map<String, String> singleChannelClassifier(String name, long version,
            List<String> labels, PixelNormalization normalization) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(MODEL_NAME, name);
        metadata.put(MODEL_VERSION, Long.toString(version));
        metadata.put(LABELS, toJson(labels));
        metadata.put(INPUT_LAYOUT, "NCHW");
        metadata.put(INPUT_SCALE, Double.toString(normalization.scale()));
        metadata.put(INPUT_MEAN, String.format(Locale.ROOT, "%.4f", normalization.mean()));
        metadata.put(INPUT_STD, String.format(Locale.ROOT, "%.4f", normalization.std()));
        metadata.put(OUTPUT_KIND, "probabilities");
        return metadata;
    }

    private static String toJson(List<String> labels) {
        try {
            return new ObjectMapper().writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write labels " + labels + " as JSON", e);
        }
    }
}
