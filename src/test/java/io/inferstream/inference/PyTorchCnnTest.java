package io.inferstream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferstream.testing.PyTorchFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A CNN exported by torch.onnx.export gives PyTorch's logits through the image classifier. */
class PyTorchCnnTest {

    @Test
    void shouldComputePyTorchsLogitsForTheSameImages() {
        JsonNode fixture = PyTorchFixtures.cnn();
        List<float[]> images = new ArrayList<>();
        for (JsonNode pixels : fixture.get("pixels")) {
            float[] image = PyTorchFixtures.floats(pixels);
            for (int i = 0; i < image.length; i++) {
                image[i] /= 255f;
            }
            images.add(image);
        }
        try (OnnxImageClassifier cnn = OnnxImageClassifier.load(
                PyTorchFixtures.model("cnn_logits"), ImageModelOverrides.none(), 8, OnnxOptions.CPU)) {
            assertThat(cnn.spec().modelVersion).isEqualTo(ModelVersion.DEFAULT);
            assertThat(cnn.spec().toString()).contains("version from the default");
            float[][] logits = cnn.classify(images);

            assertThat(logits).hasNumberOfRows(images.size());
            for (int i = 0; i < logits.length; i++) {
                double[] expected =
                        PyTorchFixtures.doubles(fixture.get("logits").get(i));
                assertThat(logits[i]).hasSize(expected.length);
                for (int c = 0; c < expected.length; c++) {
                    PyTorchFixtures.assertClose(logits[i][c], expected[c], "image " + i + " logit " + c);
                }
            }
        }
    }
}
