package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EchoStateCellTest {

    @Test
    void shouldScaleTheReservoirToTheRequestedSpectralRadius() {
        EchoStateCell cell = EchoStateCell.randomReservoir(1, 64, 1, 0.9, 0.1, 0.05, 42);

        assertThat(cell.recurrentSpectralRadius()).isCloseTo(0.9, within(1e-5));
        assertThat(cell.readoutWeights()).containsOnly(0f);
    }

    @Test
    void shouldBuildTheSameReservoirFromTheSameSeed() {
        EchoStateCell a = EchoStateCell.randomReservoir(2, 16, 1, 0.8, 0.5, 0.1, 7);
        EchoStateCell b = EchoStateCell.randomReservoir(2, 16, 1, 0.8, 0.5, 0.1, 7);
        EchoStateCell c = EchoStateCell.randomReservoir(2, 16, 1, 0.8, 0.5, 0.1, 8);

        assertThat(a.recurrentWeights()).containsExactly(b.recurrentWeights());
        assertThat(a.inputWeights()).containsExactly(b.inputWeights());
        assertThat(a.recurrentWeights()).isNotEqualTo(c.recurrentWeights());
    }

    @Test
    void shouldFindTheSpectralRadiusOfARotation() {
        // Eigenvalues of a 2x2 rotation scaled by 0.5 are 0.5 e^(+-i theta): complex, magnitude 0.5.
        double c = 0.5 * Math.cos(1);
        double s = 0.5 * Math.sin(1);

        assertThat(EchoStateCell.spectralRadius(new double[] {c, -s, s, c}, 2)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void shouldStepTheElmanFormulaWorkedOutByHand() {
        // H=2, F=1, O=1: pre = W_x x + W_h h + b = [0.5*2 + (0.1*1 - 0.2*-1) + 0, -1*2 + 0 + 0.5].
        EchoStateCell cell = new EchoStateCell(
                1,
                2,
                1,
                new float[] {0.5f, -1f},
                new float[] {0.1f, -0.2f, 0f, 0f},
                new float[] {0f, 0.5f},
                new float[] {2f, 3f},
                new float[] {1f});

        EchoStateCell.Step step = cell.step(new float[] {2f}, new float[] {1f, -1f});

        double h0 = Math.tanh(1.3);
        double h1 = Math.tanh(-1.5);
        assertThat(step.hNext()[0]).isCloseTo((float) h0, within(1e-6f));
        assertThat(step.hNext()[1]).isCloseTo((float) h1, within(1e-6f));
        assertThat(step.y()[0]).isCloseTo((float) (1 + 2 * h0 + 3 * h1), within(1e-5f));
    }

    @Test
    void shouldNameTheArrayWithTheWrongLength() {
        assertThatThrownBy(() -> new EchoStateCell(
                        1, 2, 1, new float[2], new float[3], new float[2], new float[2], new float[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recurrentWeights (W_h, hidden x hidden) has 3 values, expected 4");
        assertThatThrownBy(() -> EchoStateCell.randomReservoir(1, 8, 1, 1.2, 0.1, 0.1, 1))
                .hasMessageContaining("spectral radius 1.2 must lie in (0, 1)");
    }
}
