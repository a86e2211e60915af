package io.inferstream.demo.cnn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.inference.ModelMetadataKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the ONNX {@code metadata_props} (keys in {@link ModelMetadataKeys}) of the demo classifier. */
public final class ModelMetadata {

    private ModelMetadata() {}

    /** The metadata of a single-channel NCHW classifier whose output is probabilities. */
    public static Map<String, String> singleChannelClassifier(
            String name, long version, List<String> labels, PixelNormalization normalization) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ModelMetadataKeys.NAME, name);
        metadata.put(ModelMetadataKeys.VERSION, Long.toString(version));
        metadata.put(ModelMetadataKeys.LABELS, toJson(labels));
        metadata.put(ModelMetadataKeys.LAYOUT, "NCHW");
        metadata.put(ModelMetadataKeys.INPUT_SCALE, Double.toString(normalization.scale()));
        metadata.put(ModelMetadataKeys.INPUT_MEAN, String.format(Locale.ROOT, "%.4f", normalization.mean()));
        metadata.put(ModelMetadataKeys.INPUT_STD, String.format(Locale.ROOT, "%.4f", normalization.std()));
        metadata.put(ModelMetadataKeys.OUTPUT_KIND, "probabilities");
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
