package io.inferstream.demo;

import static io.inferstream.demo.OnnxGraphBuilder.dim;
import static io.inferstream.demo.OnnxGraphBuilder.integer;
import static io.inferstream.demo.OnnxGraphBuilder.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxGraphBuilderTest {

    private static final float[] IMAGE = {
        1, 0, 2, 0,
        0, 3, 0, 1,
        4, 0, 0, 2,
        0, 1, 5, 0,
    };

    /** Conv 2x2 -> Relu -> MaxPool 2x2 stride 1 -> Flatten, with a symbolic batch dimension. */
    private static byte[] convReluPoolModel() {
        OnnxGraphBuilder graph = new OnnxGraphBuilder("tiny")
                .input("x", dim("N"), dim(1), dim(4), dim(4))
                .initializer("w", new float[] {1, -1, -1, 1}, 1, 1, 2, 2);
        String conv = graph.node("Conv", List.of("x", "w"), "conv", ints("kernel_shape", 2, 2));
        String relu = graph.node("Relu", List.of(conv), "relu");
        String pool = graph.node("MaxPool", List.of(relu), "pool", ints("kernel_shape", 2, 2), ints("strides", 1, 1));
        graph.node("Flatten", List.of(pool), "y", integer("axis", 1));
        graph.output("y", dim("N"), dim(4));
        return graph.buildModel("inferstream-test", 3, "tiny test graph", Map.of("inferstream.model.name", "tiny"))
                .toByteArray();
    }

    @Test
    void shouldComputeConvReluMaxPoolAsWorkedOutByHand() throws OrtException {
        // Conv of IMAGE: [[4,-5,3],[-7,3,1],[5,4,-7]]; Relu: [[4,0,3],[0,3,1],[5,4,0]];
        // 2x2 maxima: [[4,3],[5,4]]. The negated image flips the conv's signs, so Relu keeps
        // the other entries: [[0,5,0],[7,0,0],[0,0,7]], whose 2x2 maxima are [[7,5],[7,7]].
        float[] batch = new float[32];
        for (int i = 0; i < 16; i++) {
            batch[i] = IMAGE[i];
            batch[16 + i] = -IMAGE[i];
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(convReluPoolModel());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch), new long[] {2, 1, 4, 4});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            float[][] y = (float[][]) result.get(0).getValue();

            assertThat(y[0]).containsExactly(4, 3, 5, 4);
            assertThat(y[1]).containsExactly(7, 5, 7, 7);
        }
    }

    @Test
    void shouldWriteModelFieldsThatOnnxRuntimeReadsBack() throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(convReluPoolModel())) {
            assertThat(session.getMetadata().getProducerName()).isEqualTo("inferstream-test");
            assertThat(session.getMetadata().getGraphName()).isEqualTo("tiny");
            assertThat(session.getMetadata().getVersion()).isEqualTo(3);
            assertThat(session.getMetadata().getCustomMetadata()).containsEntry("inferstream.model.name", "tiny");
        }
    }

    @Test
    void shouldRejectNodeReadingAnUndefinedValue() {
        OnnxGraphBuilder graph = new OnnxGraphBuilder("broken").input("x", dim(1));

        assertThatThrownBy(() -> graph.node("Relu", List.of("typo"), "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Relu node reads 'typo'");
    }

    @Test
    void shouldRejectInitializerWhoseValuesDoNotFitItsShape() {
        OnnxGraphBuilder graph = new OnnxGraphBuilder("broken");

        assertThatThrownBy(() -> graph.initializer("w", new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor w has 5 values but shape [2, 3] needs 6");
    }

    @Test
    void shouldRejectOutputThatIsNeverComputed() {
        OnnxGraphBuilder graph = new OnnxGraphBuilder("broken").input("x", dim(1));

        assertThatThrownBy(() -> graph.output("y", dim(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("graph output 'y' is never computed");
    }

    @Test
    void shouldLetAnEmptyNameStandForAnOmittedOptionalInput() throws OrtException {
        // Clip(x, "", max): the min is omitted, so only the max applies.
        OnnxGraphBuilder graph =
                new OnnxGraphBuilder("clip").input("x", dim(3)).initializer("max", new float[] {1}, new long[0]);
        graph.node("Clip", List.of("x", "", "max"), "y");
        graph.output("y", dim(3));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(graph.buildModel("inferstream-test", 1, "clip", Map.of())
                        .toByteArray());
                OnnxTensor x =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {-5, 0.5f, 7}), new long[] {3});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            assertThat((float[]) result.get(0).getValue()).containsExactly(-5, 0.5f, 1);
        }
    }
}
