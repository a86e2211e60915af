package io.inferstream.demo.cnn;

import static io.inferstream.demo.OnnxGraphBuilder.dim;
import static io.inferstream.demo.OnnxGraphBuilder.integer;
import static io.inferstream.demo.OnnxGraphBuilder.ints;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.inferstream.demo.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo CNN's architecture: a fixed bank of random 5x5 filters, ReLU and 2x2 max pooling,
 * written as the ONNX graphs that training and serving share.
 */
public final class DemoCnnGraphs {

    public static final int KERNEL = 5;
    public static final int POOL = 2;

    /** Side of one pooled feature map: (28 - 5 + 1) / 2 = 12. */
    public static final int POOLED_SIDE = (FashionMnist.ROWS - KERNEL + 1) / POOL;

    /** Name of the image input in every graph, and of the served model's input. */
    public static final String INPUT = "input";

    public static final String FEATURES = "features";
    public static final String GRAM = "gram";
    /** Columns appended to each row of features for the Gram: a 1, then the one-hot label. */
    public static final String EXTRAS = "extras";

    public static final String PROBABILITIES = "probabilities";

    private static final String PRODUCER = "inferstream";

    private DemoCnnGraphs() {}

    /** Number of features the pooled maps flatten to. */
    public static int featureCount(int filters) {
        return filters * POOLED_SIDE * POOLED_SIDE;
    }

    /**
     * A bank of Gaussian random 5x5 filters, each shifted to zero mean (so flat regions give
     * no response) and scaled to unit L2 norm (so no filter dominates the ridge penalty).
     * {@link Random#nextGaussian()} is specified exactly, so a seed gives the same bank on
     * every JVM.
     */
    public static float[] randomFilters(int filters, long seed) {
        if (filters <= 0) {
            throw new IllegalArgumentException("filter count " + filters + " must be positive");
        }
        Random random = new Random(seed);
        int size = KERNEL * KERNEL;
        float[] bank = new float[filters * size];
        double[] filter = new double[size];
        for (int f = 0; f < filters; f++) {
            double mean = 0;
            for (int i = 0; i < size; i++) {
                filter[i] = random.nextGaussian();
                mean += filter[i] / size;
            }
            double squares = 0;
            for (int i = 0; i < size; i++) {
                filter[i] -= mean;
                squares += filter[i] * filter[i];
            }
            double norm = Math.sqrt(squares);
            for (int i = 0; i < size; i++) {
                bank[f * size + i] = (float) (filter[i] / norm);
            }
        }
        return bank;
    }

    /** A graph from normalized images {@code input [N,1,28,28]} to {@code features [N,D]}. */
    public static ModelProto featureGraph(float[] filterBank) {
        int filters = filterCount(filterBank);
        OnnxGraphBuilder graph = new OnnxGraphBuilder("fashion-cnn-features")
                .input(INPUT, dim("N"), dim(1), dim(FashionMnist.ROWS), dim(FashionMnist.COLS));
        appendFeatures(graph, filterBank);
        graph.output(FEATURES, dim("N"), dim(featureCount(filters)));
        return graph.buildModel(PRODUCER, 1, "Random-filter CNN features for training", Map.of());
    }

    /**
     * A graph giving {@code Z^T Z} for {@code Z = [features, extras]}: from one batch it
     * yields F^T F, the feature sums, F^T Y, the row count and the class counts at once.
     */
    public static ModelProto gramGraph(float[] filterBank, int extraColumns) {
        int columns = featureCount(filterCount(filterBank)) + extraColumns;
        OnnxGraphBuilder graph = new OnnxGraphBuilder("fashion-cnn-gram")
                .input(INPUT, dim("N"), dim(1), dim(FashionMnist.ROWS), dim(FashionMnist.COLS))
                .input(EXTRAS, dim("N"), dim(extraColumns));
        appendFeatures(graph, filterBank);
        String design = graph.node("Concat", List.of(FEATURES, EXTRAS), "design", integer("axis", 1));
        graph.node("Gemm", List.of(design, design), GRAM, integer("transA", 1));
        graph.output(GRAM, dim(columns), dim(columns));
        return graph.buildModel(PRODUCER, 1, "Gram matrix of CNN features for ridge regression", Map.of());
    }

    /**
     * The served classifier: features, then {@code softmax(features * weights + bias)}.
     *
     * @param weights row-major [D,K], already multiplied by the softmax temperature
     * @param bias [K], already multiplied by the softmax temperature
     */
    public static ModelProto classifier(
            float[] filterBank, float[] weights, float[] bias, String docString, Map<String, String> metadata) {
        int features = featureCount(filterCount(filterBank));
        int classes = bias.length;
        OnnxGraphBuilder graph = new OnnxGraphBuilder("fashion-cnn")
                .input(INPUT, dim("N"), dim(1), dim(FashionMnist.ROWS), dim(FashionMnist.COLS))
                .initializer("readout_weight", weights, features, classes)
                .initializer("readout_bias", bias, classes);
        appendFeatures(graph, filterBank);
        String logits = graph.node("Gemm", List.of(FEATURES, "readout_weight", "readout_bias"), "logits");
        graph.node("Softmax", List.of(logits), PROBABILITIES, integer("axis", 1));
        graph.output(PROBABILITIES, dim("N"), dim(classes));
        return graph.buildModel(PRODUCER, 1, docString, metadata);
    }

    /** Conv (valid) -> Relu -> MaxPool 2x2 stride 2 -> Flatten, from INPUT to FEATURES. */
    private static void appendFeatures(OnnxGraphBuilder graph, float[] filterBank) {
        int filters = filterCount(filterBank);
        graph.initializer("conv_weight", filterBank, filters, 1, KERNEL, KERNEL);
        String conv = graph.node(
                "Conv",
                List.of(INPUT, "conv_weight"),
                "conv",
                ints("kernel_shape", KERNEL, KERNEL),
                ints("strides", 1, 1),
                ints("pads", 0, 0, 0, 0));
        String relu = graph.node("Relu", List.of(conv), "relu");
        String pooled = graph.node(
                "MaxPool", List.of(relu), "pooled", ints("kernel_shape", POOL, POOL), ints("strides", POOL, POOL));
        graph.node("Flatten", List.of(pooled), FEATURES, integer("axis", 1));
    }

    /** Number of 5x5 filters in a bank, checking that the bank holds whole filters. */
    public static int filterCount(float[] filterBank) {
        int size = KERNEL * KERNEL;
        if (filterBank.length == 0 || filterBank.length % size != 0) {
            throw new IllegalArgumentException("filter bank has " + filterBank.length
                    + " values, expected a positive multiple of " + size + " (5x5 filters)");
        }
        return filterBank.length / size;
    }
}
