package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the committed demo RNN against the tick job's contract and against its card. */
class SensorEsnModelTest {

    private static final Path MODEL = Path.of("models/sensor-esn.onnx");
    private static final Path CARD = Path.of("models/sensor-esn.md");
    private static final Pattern RMSE_LINE =
            Pattern.compile("(?m)^Held-out RMSE: (\\d+\\.\\d+) \\(naive last value: (\\d+\\.\\d+)\\)$");

    private static OrtSession session;

    @BeforeAll
    static void loadModel() throws OrtException {
        session = OrtEnvironment.getEnvironment().createSession(MODEL.toString());
    }

    @AfterAll
    static void closeModel() throws OrtException {
        session.close();
    }

    @Test
    void shouldTakeAValueAndAStateAndGiveAForecastAndTheNextState() throws OrtException {
        assertThat(session.getInputNames()).containsExactlyInAnyOrder("x", "h");
        assertThat(session.getOutputNames()).containsExactlyInAnyOrder("y", "h_next");
        assertThat(shape(session.getInputInfo().get("x"))).containsExactly(-1, 1);
        assertThat(shape(session.getInputInfo().get("h"))).containsExactly(-1, 64);
        assertThat(shape(session.getOutputInfo().get("y"))).containsExactly(-1, 1);
        assertThat(shape(session.getOutputInfo().get("h_next"))).containsExactly(-1, 64);
    }

    @Test
    void shouldCarryTheMetadataTheTickJobReads() throws OrtException {
        Map<String, String> metadata = session.getMetadata().getCustomMetadata();

        assertThat(session.getMetadata().getProducerName()).isEqualTo("inferstream");
        assertThat(session.getMetadata().getGraphName()).isEqualTo("sensor-esn");
        assertThat(metadata)
                .containsAllEntriesOf(Map.of(
                        "inferstream.model.name", "sensor-esn",
                        "inferstream.model.version", "1",
                        "inferstream.rnn.input", "x",
                        "inferstream.rnn.state-inputs", "h",
                        "inferstream.rnn.state-outputs", "h_next",
                        "inferstream.rnn.output", "y",
                        "inferstream.output.names", "[\"forecast\"]",
                        "inferstream.input.transform", "none"));
        float mean = Float.parseFloat(metadata.get("inferstream.input.mean"));
        float std = Float.parseFloat(metadata.get("inferstream.input.std"));
        assertThat(mean).isBetween(15f, 35f);
        assertThat(std).isBetween(1f, 10f);
        assertThat(metadata.get("inferstream.output.mean")).isEqualTo(metadata.get("inferstream.input.mean"));
        assertThat(metadata.get("inferstream.output.std")).isEqualTo(metadata.get("inferstream.input.std"));
    }

    @Test
    void shouldBeAnEchoStateCellWithSpectralRadiusBelowOne() throws IOException {
        EchoStateCell cell = EchoStateGraphs.readCell(Files.readAllBytes(MODEL));

        assertThat(cell.hidden()).isEqualTo(64);
        assertThat(cell.recurrentSpectralRadius()).isLessThan(1.0);
        assertThat(Files.size(MODEL)).isLessThan(40_000);
    }

    @Test
    void shouldStateAHeldOutRmseBelowTheNaiveForecastsOnce() throws IOException {
        String card = Files.readString(CARD);
        Matcher line = RMSE_LINE.matcher(card);
        assertThat(line.find())
                .as("a 'Held-out RMSE: X (naive last value: Y)' line in " + CARD)
                .isTrue();
        assertThat(RMSE_LINE.matcher(card).region(line.end(), card.length()).find())
                .as("only one such line in " + CARD)
                .isFalse();
        assertThat(card.lines().filter(l -> l.startsWith("Held-out RMSE")).count())
                .isEqualTo(1);

        assertThat(Double.parseDouble(line.group(1))).isLessThan(Double.parseDouble(line.group(2)));
    }

    @Test
    void shouldForecastKeysItNeverSawBetterThanTheLastValue() throws Exception {
        // Keys far from the training keys, at steps beyond the training range.
        DemoRnnTrainer.Evaluation evaluation = DemoRnnTrainer.evaluate(
                Files.readAllBytes(MODEL), new SyntheticTicks(DemoRnnTrainer.DEFAULT_SEED), 900_000, 20, 600);

        assertThat(evaluation.model().rmse())
                .isLessThan(0.8 * evaluation.naive().rmse());
        assertThat(evaluation.model().mae()).isLessThan(0.8 * evaluation.naive().mae());
    }

    private static long[] shape(NodeInfo info) {
        return ((TensorInfo) info.getInfo()).getShape();
    }
}
