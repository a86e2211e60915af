package io.inferstream.testing;

import static io.inferstream.demo.OnnxGraphBuilder.dim;
import static io.inferstream.demo.OnnxGraphBuilder.integer;

import ai.onnx.proto.OnnxMl;
import io.inferstream.demo.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Image models small enough to reason about: input [N, dims...] -> Flatten -> MatMul -> [N,K],
 * where feature f adds 1 to class (f + shift) mod K. An image whose only lit feature is f is
 * therefore classified as (f + shift) mod K: two shifts give two models that disagree.
 */
public final class LinearImageModels {

    private LinearImageModels() {}

    public static Path write(Path dir, long[] inputDims, int classes, int shift, Map<String, String> metadata)
            throws Exception {
        int features = 1;
        OnnxMl.TensorShapeProto.Dimension[] dims = new OnnxMl.TensorShapeProto.Dimension[inputDims.length + 1];
        dims[0] = dim("N");
        for (int i = 0; i < inputDims.length; i++) {
            dims[i + 1] = dim(inputDims[i]);
            features *= (int) inputDims[i];
        }
        float[] weights = new float[features * classes];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (i % classes == (i / classes + shift) % classes) ? 1f : 0f;
        }
        OnnxGraphBuilder graph =
                new OnnxGraphBuilder("linear").input("pixels", dims).initializer("w", weights, features, classes);
        String flat = graph.node("Flatten", List.of("pixels"), "flat", integer("axis", 1));
        graph.node("MatMul", List.of(flat, "w"), "scores");
        graph.output("scores", dim("N"), dim(classes));
        Path file = dir.resolve("model-" + System.nanoTime() + ".onnx");
        Files.write(
                file, graph.buildModel("test", 7, "linear test model", metadata).toByteArray());
        return file;
    }
}
