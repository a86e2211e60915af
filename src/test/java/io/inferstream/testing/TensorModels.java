package io.inferstream.testing;

import static io.inferstream.demo.OnnxGraphBuilder.dim;

import io.inferstream.demo.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small model of float tensors with two inputs and two outputs: {@code y = tanh(x W + b)} with
 * x [N,4] and y [N,3], and {@code z = 2 s} with s and z [N]; for the generic tensor path.
 */
public final class TensorModels {
    public static final float[] W = {0.5f, -1f, 0.25f, 1f, 0.5f, -0.5f, -0.25f, 2f, 1f, 0.75f, -1.5f, 0.1f};
    public static final float[] B = {0.1f, -0.2f, 0.3f};

    private TensorModels() {}

    public static Path write(Path dir) throws Exception {
        OnnxGraphBuilder graph = new OnnxGraphBuilder("tensor-test")
                .input("x", dim("N"), dim(4))
                .input("s", dim("N"))
                .initializer("w", W, 4, 3)
                .initializer("b", B, 3)
                .initializer("two", new float[] {2f}, 1);
        String product = graph.node("MatMul", List.of("x", "w"), "xw");
        String sum = graph.node("Add", List.of(product, "b"), "xwb");
        graph.node("Tanh", List.of(sum), "y");
        graph.node("Mul", List.of("s", "two"), "z");
        graph.output("y", dim("N"), dim(3)).output("z", dim("N"));
        Path file = dir.resolve("tensor-model.onnx");
        Files.write(
                file, graph.buildModel("test", 1, "tensor test model", Map.of()).toByteArray());
        return file;
    }
}
