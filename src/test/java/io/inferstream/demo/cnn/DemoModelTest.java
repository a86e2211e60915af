package io.inferstream.demo.cnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.inferstream.testing.OfflineClassifier;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the committed demo model against its contract, its card and the committed sample. */
class DemoModelTest {

    private static final Path MODEL = Path.of("models/fashion-cnn.onnx");
    private static final Path CARD = Path.of("models/fashion-cnn.md");
    private static final Path SAMPLE = Path.of("data/fashion-mnist-sample");
    private static final Pattern SAMPLE_LINE =
            Pattern.compile("(?m)^Sample accuracy: (0\\.\\d{4}|1\\.0000) \\((\\d+)/(\\d+)\\)$");

    private static OrtEnvironment env;
    private static OrtSession session;

    @BeforeAll
    static void loadModel() throws OrtException {
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(MODEL.toString());
    }

    @AfterAll
    static void closeModel() throws OrtException {
        session.close();
    }

    @Test
    void shouldTakeNormalizedImagesAndGiveTenProbabilities() throws OrtException {
        assertThat(session.getInputNames()).containsExactly("input");
        assertThat(session.getOutputNames()).containsExactly("probabilities");
        assertThat(shape(session.getInputInfo().get("input"))).containsExactly(-1, 1, 28, 28);
        assertThat(shape(session.getOutputInfo().get("probabilities"))).containsExactly(-1, 10);
    }

    @Test
    void shouldCarryTheMetadataTheStreamingJobReads() throws OrtException {
        assertThat(session.getMetadata().getProducerName()).isEqualTo("inferstream");
        assertThat(session.getMetadata().getGraphName()).isEqualTo("fashion-cnn");
        assertThat(session.getMetadata().getVersion()).isEqualTo(1);
        assertThat(session.getMetadata().getCustomMetadata())
                .containsAllEntriesOf(Map.of(
                        "inferstream.model.name", "fashion-cnn",
                        "inferstream.model.version", "1",
                        "inferstream.labels",
                                "[\"T-shirt/top\",\"Trouser\",\"Pullover\",\"Dress\","
                                        + "\"Coat\",\"Sandal\",\"Shirt\",\"Sneaker\",\"Bag\",\"Ankle boot\"]",
                        "inferstream.input.layout", "NCHW",
                        "inferstream.input.scale", "0.00392156862745098",
                        "inferstream.input.mean", "0.2860",
                        "inferstream.input.std", "0.3530",
                        "inferstream.output.kind", "probabilities"));
    }

    @Test
    void shouldScoreTheCommittedSampleAsTheModelCardStates() throws Exception {
        Matcher line = singleSampleAccuracyLine();
        IdxFiles.Images images = IdxFiles.readImages(SAMPLE.resolve("t10k-500-images-idx3-ubyte.gz"));
        byte[] labels = IdxFiles.readLabels(SAMPLE.resolve("t10k-500-labels-idx1-ubyte.gz"));
        assertThat(images.count()).isEqualTo(500);
        assertThat(labels).hasSize(500);

        float[][] probabilities = run(images);

        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            assertThat(sum(probabilities[i])).isCloseTo(1.0, within(1e-4));
            correct += OfflineClassifier.argMax(probabilities[i]) == labels[i] ? 1 : 0;
        }
        assertThat(correct)
                .as("correct sample predictions, against the card's line '%s'", line.group())
                .isEqualTo(Integer.parseInt(line.group(2)));
        assertThat(Integer.parseInt(line.group(3))).isEqualTo(500);
        assertThat(String.format(Locale.ROOT, "%.4f", correct / 500.0)).isEqualTo(line.group(1));
    }

    private static Matcher singleSampleAccuracyLine() throws IOException {
        String card = Files.readString(CARD);
        Matcher line = SAMPLE_LINE.matcher(card);
        assertThat(line.find())
                .as("a 'Sample accuracy: 0.XXXX (N/500)' line in " + CARD)
                .isTrue();
        int end = line.end();
        assertThat(SAMPLE_LINE.matcher(card).region(end, card.length()).find())
                .as("only one 'Sample accuracy:' line in " + CARD)
                .isFalse();
        return line;
    }

    /** Normalizes in float as the metadata says, independently of the trainer's code. */
    private static float[][] run(IdxFiles.Images images) throws OrtException {
        Map<String, String> metadata = session.getMetadata().getCustomMetadata();
        float scale = Float.parseFloat(metadata.get("inferstream.input.scale"));
        float mean = Float.parseFloat(metadata.get("inferstream.input.mean"));
        float std = Float.parseFloat(metadata.get("inferstream.input.std"));
        int pixels = 28 * 28;
        float[] batch = new float[images.count() * pixels];
        for (int i = 0; i < images.count(); i++) {
            for (int p = 0; p < pixels; p++) {
                batch[i * pixels + p] = ((images.pixels()[i][p] & 0xFF) * scale - mean) / std;
            }
        }
        try (OnnxTensor input =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(batch), new long[] {images.count(), 1, 28, 28});
                OrtSession.Result result = session.run(Map.of("input", input))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    private static long[] shape(NodeInfo info) {
        return ((TensorInfo) info.getInfo()).getShape();
    }

    private static double sum(float[] values) {
        double total = 0;
        for (float v : values) {
            total += v;
        }
        return total;
    }
}
