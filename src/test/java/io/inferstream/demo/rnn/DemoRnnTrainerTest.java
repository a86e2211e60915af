package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoRnnTrainerTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteAModelThatBeatsTheNaiveForecastAndACardThatSaysSo() throws Exception {
        Path model = dir.resolve("small.onnx");
        Path card = dir.resolve("small.md");

        DemoRnnTrainer.Result result = DemoRnnTrainer.train(model, card, 20, 16, 3);

        assertThat(result.heldOut().rmse()).isLessThan(result.naive().rmse());
        assertThat(result.modelBytes()).isEqualTo(Files.size(model));
        assertThat(EchoStateGraphs.readCell(Files.readAllBytes(model)).hidden()).isEqualTo(16);
        String text = Files.readString(card);
        assertThat(text)
                .contains(String.format(
                        java.util.Locale.ROOT,
                        "Held-out RMSE: %.4f (naive last value: %.4f)",
                        result.heldOut().rmse(),
                        result.naive().rmse()))
                .contains("| `inferstream.rnn.state-outputs` | `h_next` |")
                .contains("bin/inferstream models train-rnn-demo")
                .doesNotContain(dir.toString());
    }

    @Test
    void shouldBuildTheSameRandomCellOfAnySizeWithTheJobsContract() throws OrtException {
        byte[] cell = DemoRnnTrainer.randomCell(2, 256, 3, 5);

        assertThat(DemoRnnTrainer.randomCell(2, 256, 3, 5)).isEqualTo(cell);
        try (OnnxCellRunner runner = OnnxCellRunner.open(cell)) {
            assertThat(runner.features()).isEqualTo(2);
            assertThat(runner.hidden()).isEqualTo(256);
            assertThat(runner.outputs()).isEqualTo(3);
            assertThat(runner.metadata())
                    .containsEntry("inferstream.rnn.state-inputs", "h")
                    .containsEntry("inferstream.output.names", "[\"y0\",\"y1\",\"y2\"]");
        }
        assertThat(EchoStateGraphs.readCell(cell).readoutWeights()).doesNotContain(0f);
    }

    @Test
    void shouldRefuseTooFewKeysToHoldSomeOut() {
        assertThatThrownBy(() -> DemoRnnTrainer.train(dir.resolve("m.onnx"), dir.resolve("m.md"), 3, 8, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training keys 3 must be at least 5");
    }
}
