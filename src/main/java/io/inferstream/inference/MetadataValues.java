package io.inferstream.inference;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** Parses the textual values of model metadata, naming the key in every error. */
public final class MetadataValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataValues() {}

    public static float parseFloat(String value, String key) {
        try {
            float f = Float.parseFloat(value.trim());
            if (!Float.isFinite(f)) {
                throw new NumberFormatException("not finite");
            }
            return f;
        } catch (NumberFormatException e) {
            throw new ModelContractException(key + " = '" + value + "': expected a finite number");
        }
    }

    /** One value per channel, or a single value applied to every channel. */
    public static float[] perChannel(String value, int channels, String key, boolean positive) {
        double[] values = perItem(value, channels, key, positive, "channel");
        float[] result = new float[channels];
        for (int c = 0; c < channels; c++) {
            result[c] = (float) values[c];
        }
        return result;
    }

    /** One value per item (channel, feature, output), or a single value applied to all. */
    public static double[] perItem(String value, int count, String key, boolean positive, String item) {
        String[] parts = value.replace("[", "").replace("]", "").split(",");
        if (parts.length != 1 && parts.length != count) {
            throw new ModelContractException(key + " = '" + value + "' has " + parts.length + " values; expected 1 or "
                    + count + " (one per " + item + ")");
        }
        double[] result = new double[count];
        for (int i = 0; i < count; i++) {
            double d = parseDouble(parts[parts.length == 1 ? 0 : i], key);
            if (positive && d <= 0) {
                throw new ModelContractException(key + " = '" + value + "': expected values > 0");
            }
            result[i] = d;
        }
        return result;
    }

    private static double parseDouble(String value, String key) {
        try {
            double d = Double.parseDouble(value.trim());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelContractException(key + " = '" + value + "': expected a finite number");
    }

    /** A JSON array of strings, or a comma-separated list. */
    public static List<String> parseList(String value, String key) {
        String trimmed = value.trim();
        if (trimmed.startsWith("[")) {
            try {
                return JSON.readValue(trimmed, new TypeReference<List<String>>() {});
            } catch (Exception e) {
                throw new ModelContractException(
                        key + " = '" + value + "': expected a JSON array of strings: " + e.getMessage());
            }
        }
        List<String> result = new ArrayList<>();
        for (String part : trimmed.split(",")) {
            result.add(part.trim());
        }
        return result;
    }
}
