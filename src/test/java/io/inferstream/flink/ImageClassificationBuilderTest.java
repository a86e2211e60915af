package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.config.ConfigException;
import io.inferstream.inference.ModelContractException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The classification builder's sanity check: a refused setting fails at build(), naming the
 * setter, the key, the value and what was expected; a good one carries the image job's defaults.
 */
class ImageClassificationBuilderTest {
    private static final String MODEL = "models/fashion-cnn.onnx";

    private static ImageClassification.Builder valid() {
        return ImageClassification.builder().modelPath(MODEL);
    }

    @Test
    void shouldBuildWithTheImageJobsDefaultsAndTheCheckedModel() {
        ImageClassification classification = valid().batchSize(32).topK(5).build();
        assertThat(classification.config().maxBatchSize).isEqualTo(32);
        assertThat(classification.config().maxBatchWaitMs).isEqualTo(20);
        assertThat(classification.config().topK).isEqualTo(5);
        assertThat(classification.spec().numClasses()).isEqualTo(10);
    }

    @Test
    void shouldRefuseAModelFileThatDoesNotExist() {
        assertThatThrownBy(() -> ImageClassification.builder()
                        .modelPath("models/absent.onnx")
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ImageClassification: modelPath(models/absent.onnx) refused:"
                        + " model.path = 'models/absent.onnx': expected an existing file (the ONNX classifier)");
    }

    @Test
    void shouldRefuseAModelThatIsNoClassifier() {
        assertThatThrownBy(() -> ImageClassification.builder()
                        .modelPath("models/sensor-esn.onnx")
                        .build())
                .isInstanceOf(ModelContractException.class)
                .hasMessageStartingWith("ImageClassification: modelPath(models/sensor-esn.onnx) does not fit the image"
                        + " classifier contract: model has inputs [x, h]; expected exactly one image input");
    }

    @Test
    void shouldRefuseABatchSizeBelowOne() {
        assertThatThrownBy(() -> valid().batchSize(0).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("ImageClassification: batchSize(0) refused: batch.max-size = '0':"
                        + " expected an integer between 1 and 4096");
    }

    @Test
    void shouldRefuseABatchWaitOverAMinute() {
        assertThatThrownBy(() -> valid().maxBatchWait(Duration.ofMinutes(2)).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("ImageClassification: maxBatchWait(120000) refused: batch.max-wait-ms = '120000':"
                        + " expected an integer between 0 and 60000");
    }

    @Test
    void shouldRefuseMoreLabelsThanTheModelHasClasses() {
        assertThatThrownBy(() -> valid().topK(11).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("ImageClassification: topK(11) refused: output.top-k = '11':"
                        + " expected at most the model's 10 classes");
    }

    @Test
    void shouldRefuseATopKBelowOne() {
        assertThatThrownBy(() -> valid().topK(0).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("ImageClassification: topK(0) refused: output.top-k = '0':"
                        + " expected an integer between 1 and 1000");
    }

    @Test
    void shouldRefuseAPixelLimitBelowOne() {
        assertThatThrownBy(() -> valid().maxPixels(0).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("ImageClassification: maxPixels(0) refused: limits.max-pixels = '0':"
                        + " expected an integer between 1 and 1000000000");
    }

    @Test
    void shouldRefuseABadMetadataOverride() {
        assertThatThrownBy(() -> valid().setting("model.layout", "HWC").build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("ImageClassification: model.layout = 'HWC': expected one of NCHW, NHWC");
    }

    @Test
    void shouldRefuseSettingsOfTheShippedKafkaJob() {
        assertThatThrownBy(() -> valid().setting("delivery", "at-least-once").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ImageClassification: delivery = 'at-least-once': expected a setting of the"
                        + " transformation");
    }
}
