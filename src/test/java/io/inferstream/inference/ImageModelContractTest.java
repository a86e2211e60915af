package io.inferstream.inference;

import static io.inferstream.models.OnnxGraphBuilder.dim;
import static io.inferstream.models.OnnxGraphBuilder.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import io.inferstream.models.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CNN model contract: what start-up accepts, and the messages that refuse the rest. */
class ImageModelContractTest {
    @TempDir
    Path dir;

    /** input [N, dims...] -> Flatten -> MatMul with a fixed weight -> output [N,K]. */
    private Path linearModel(long[] inputDims, int classes, Map<String, String> metadata) throws Exception {
        int features = 1;
        OnnxMl.TensorShapeProto.Dimension[] dims = new OnnxMl.TensorShapeProto.Dimension[inputDims.length + 1];
        dims[0] = dim("N");
        for (int i = 0; i < inputDims.length; i++) {
            dims[i + 1] = dim(inputDims[i]);
            features *= (int) inputDims[i];
        }
        float[] weights = new float[features * classes];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (i % classes == i / classes % classes) ? 1f : 0f;
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

    @Test
    void shouldResolveGeometryLabelsAndNormalizationFromMetadata() throws Exception {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(ModelMetadataKeys.LAYOUT, "NHWC");
        metadata.put(ModelMetadataKeys.LABELS, "[\"cat\",\"dog\"]");
        metadata.put(ModelMetadataKeys.INPUT_MEAN, "0.5,0.4,0.3");
        metadata.put(ModelMetadataKeys.INPUT_STD, "0.2");
        Path model = linearModel(new long[] {4, 6, 3}, 2, metadata);

        ImageModelSpec spec = OnnxImageClassifier.inspect(model, ImageModelOverrides.none());

        assertThat(spec.layout).isEqualTo(TensorLayout.NHWC);
        assertThat(new int[] {spec.channels, spec.height, spec.width}).containsExactly(3, 4, 6);
        assertThat(spec.labels).containsExactly("cat", "dog");
        assertThat(spec.mean).containsExactly(0.5f, 0.4f, 0.3f);
        assertThat(spec.std).containsExactly(0.2f, 0.2f, 0.2f);
        assertThat(spec.inputName).isEqualTo("pixels");
        assertThat(spec.outputName).isEqualTo("scores");
        assertThat(spec.modelName).isEqualTo("linear");
        assertThat(spec.modelVersion).isEqualTo("7");
    }

    @Test
    void shouldApplySoftmaxToLogitsAndReuseTensorsAcrossBatchSizes() throws Exception {
        Path model = linearModel(new long[] {1, 1, 2}, 2, Map.of(ModelMetadataKeys.OUTPUT_KIND, "logits"));

        try (OnnxImageClassifier classifier =
                OnnxImageClassifier.load(model, ImageModelOverrides.none(), 4, OnnxOptions.CPU)) {
            // The weight is the identity, so the logits are the pixels themselves.
            float[][] three = classifier.classify(List.of(new float[] {0, 0}, new float[] {1, 0}, new float[] {0, 2}));
            float[][] one = classifier.classify(List.of(new float[] {1, 0}));

            double e = Math.E;
            assertThat(three[0]).containsExactly(new float[] {0.5f, 0.5f}, within(1e-6f));
            assertThat(three[1])
                    .containsExactly(new float[] {(float) (e / (e + 1)), (float) (1 / (e + 1))}, within(1e-6f));
            assertThat(three[2][1]).isCloseTo((float) (e * e / (e * e + 1)), within(1e-6f));
            assertThat(one[0]).containsExactly(three[1], within(0f));
        }
    }

    @Test
    void shouldRefuseAnInputThatIsNotAnImageBatch() throws Exception {
        Path model = linearModel(new long[] {28, 28}, 10, Map.of());

        assertThatThrownBy(() -> OnnxImageClassifier.inspect(model, ImageModelOverrides.none()))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("model input 'pixels' is FLOAT [N,28,28]")
                .hasMessageContaining("expected float [N,C,H,W] (NCHW)");
    }

    @Test
    void shouldRefuseLabelsThatDoNotMatchTheOutputWidth() throws Exception {
        Path model = linearModel(new long[] {1, 2, 2}, 3, Map.of(ModelMetadataKeys.LABELS, "a,b"));

        assertThatThrownBy(() -> OnnxImageClassifier.inspect(model, ImageModelOverrides.none()))
                .hasMessageContaining("model output has 3 classes but inferstream.labels has 2 labels [a, b]");
    }

    @Test
    void shouldRefuseAChannelCountItCannotFeedAndHintAtTheLayout() throws Exception {
        // An NHWC model read as NCHW: 28 "channels".
        Path model = linearModel(new long[] {28, 28, 1}, 2, Map.of());

        assertThatThrownBy(() -> OnnxImageClassifier.inspect(model, ImageModelOverrides.none()))
                .hasMessageContaining("has 28 channels at axis 1; expected 1 (grayscale) or 3 (RGB)")
                .hasMessageContaining("layout");
    }

    @Test
    void shouldRefuseAPerChannelMeanOfTheWrongLength() throws Exception {
        Path model = linearModel(new long[] {3, 2, 2}, 2, Map.of(ModelMetadataKeys.INPUT_MEAN, "0.1,0.2"));

        assertThatThrownBy(() -> OnnxImageClassifier.inspect(model, ImageModelOverrides.none()))
                .hasMessage("inferstream.input.mean = '0.1,0.2' has 2 values; expected 1 or 3 (one per channel)");
    }

    @Test
    void shouldNameTheMissingTensorWhenConfiguredNamesAreWrong() throws Exception {
        Path model = linearModel(new long[] {1, 2, 2}, 2, Map.of());

        assertThatThrownBy(() -> OnnxImageClassifier.inspect(model, new ImageModelOverrides(Map.of(), "image", null)))
                .hasMessage("model has no input named 'image'; it has [pixels]");
    }

    @Test
    void shouldRefuseAFileThatIsNoModel() throws Exception {
        Path notAModel = Files.writeString(dir.resolve("x.onnx"), "hello");

        assertThatThrownBy(() -> OnnxImageClassifier.inspect(notAModel, ImageModelOverrides.none()))
                .hasMessageContaining("is not a model ONNX Runtime can load");
    }

    @Test
    void shouldLetOverridesWinOverModelMetadata() throws Exception {
        Path model = linearModel(new long[] {1, 2, 2}, 2, Map.of(ModelMetadataKeys.LABELS, "a,b"));

        ImageModelSpec spec = OnnxImageClassifier.inspect(
                model, new ImageModelOverrides(Map.of(ModelMetadataKeys.LABELS, "[\"x\",\"y\"]"), null, null));

        assertThat(spec.labels).containsExactly("x", "y");
    }
}
