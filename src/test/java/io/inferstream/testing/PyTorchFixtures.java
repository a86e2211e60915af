package io.inferstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The models PyTorch exported and PyTorch's own outputs for them, from
 * {@code src/test/resources/pytorch} (see its README and make_fixtures.py): what a job's results
 * are compared with, without PyTorch installed.
 */
public final class PyTorchFixtures {
    private static final Path DIR = Path.of("src/test/resources/pytorch");

    /** Results may differ from PyTorch's by this fraction (float32 sums in another order). */
    public static final double RELATIVE = 1e-4;
    /**
     * Below this magnitude the tolerance stops shrinking: a relative bound alone would demand
     * exact equality where PyTorch's value crosses zero.
     */
    private static final double FLOOR = 1e-2;

    private PyTorchFixtures() {}

    public static Path model(String name) {
        return DIR.resolve(name + ".onnx");
    }

    /** A recurrent fixture's series and PyTorch's outputs stepping each key from zero states. */
    public static Series series(String name) {
        return new Series(read(name));
    }

    /** The CNN fixture: images as 0-255 pixels and PyTorch's logits for pixel / 255. */
    public static JsonNode cnn() {
        return read("cnn_logits");
    }

    private static JsonNode read(String name) {
        try {
            return new ObjectMapper()
                    .readTree(DIR.resolve(name + ".expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts |actual - expected| <= RELATIVE * max(|expected|, FLOOR). */
    public static void assertClose(double actual, double expected, String what) {
        double tolerance = RELATIVE * Math.max(Math.abs(expected), FLOOR);
        assertThat(Math.abs(actual - expected))
                .as(String.format(Locale.ROOT, "%s: %.9g against PyTorch's %.9g", what, actual, expected))
                .isLessThanOrEqualTo(tolerance);
    }

    public static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    public static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    /** One recurrent fixture's numbers. */
    public static final class Series {
        public final int keys;
        public final int steps;
        public final int features;
        public final int outputs;
        private final JsonNode json;

        Series(JsonNode json) {
            this.json = json;
            this.keys = json.get("keys").asInt();
            this.steps = json.get("steps").asInt();
            this.features = json.get("features").asInt();
            this.outputs = json.get("outputs").asInt();
        }

        /** The features of key k at step t (0-based). */
        public double[] input(int k, int t) {
            return doubles(json.get("inputs").get(k).get(t));
        }

        /** PyTorch's outputs for key k at step t. */
        public double[] expected(int k, int t) {
            return doubles(json.get("expected").get(k).get(t));
        }

        /** Key k's state tensor {@code name} after the last step, batch axis removed, row-major. */
        public float[] finalState(String name, int k) {
            return floats(json.get("final_state").get(name).get(k));
        }
    }
}
