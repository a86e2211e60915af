package io.inferstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.testing.LinearImageModels;
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

    private Path linearModel(long[] inputDims, int classes, Map<String, String> metadata) throws Exception {
        return LinearImageModels.write(dir, inputDims, classes, 0, metadata);
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
                .hasMessageStartingWith("model has no input named 'image'; it has [pixels]")
                .hasMessageEndingWith("The model has inputs: pixels FLOAT [N,1,2,2]; outputs: scores FLOAT [N,2]");
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
