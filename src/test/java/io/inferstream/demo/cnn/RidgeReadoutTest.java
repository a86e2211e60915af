package io.inferstream.demo.cnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RidgeReadoutTest {

    /** Gram of Z = [x, 1, y] for rows of features x and targets y. */
    private static double[] gram(double[][] x, double[][] y) {
        int side = x[0].length + 1 + y[0].length;
        double[] gram = new double[side * side];
        for (int r = 0; r < x.length; r++) {
            double[] z = new double[side];
            System.arraycopy(x[r], 0, z, 0, x[r].length);
            z[x[r].length] = 1;
            System.arraycopy(y[r], 0, z, x[r].length + 1, y[r].length);
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    gram[i * side + j] += z[i] * z[j];
                }
            }
        }
        return gram;
    }

    @Test
    void shouldRecoverExactLinearTargetsWithTinyPenalty() {
        // y0 = 2 x0 - x1 + 0.5 and y1 = -3 x1 + 1, with features far from zero mean.
        Random random = new Random(1);
        double[][] x = new double[50][2];
        double[][] y = new double[50][2];
        for (int r = 0; r < x.length; r++) {
            x[r][0] = 5 + random.nextGaussian();
            x[r][1] = -2 + random.nextGaussian();
            y[r][0] = 2 * x[r][0] - x[r][1] + 0.5;
            y[r][1] = -3 * x[r][1] + 1;
        }

        RidgeReadout.Fit fit = new RidgeReadout(gram(x, y), 2, 2).fit(1e-9);

        assertThat(fit.weights()).containsExactly(new double[] {2, 0, -1, -3}, within(1e-6));
        assertThat(fit.bias()).containsExactly(new double[] {0.5, 1}, within(1e-6));
        double[] logits = fit.logits(new float[] {1, 1});
        assertThat(logits).containsExactly(new double[] {1.5, -2}, within(1e-6));
    }

    @Test
    void shouldShrinkWeightsTowardZeroAsPenaltyGrows() {
        Random random = new Random(2);
        double[][] x = new double[40][1];
        double[][] y = new double[40][1];
        for (int r = 0; r < x.length; r++) {
            x[r][0] = random.nextGaussian();
            y[r][0] = 4 * x[r][0];
        }
        RidgeReadout ridge = new RidgeReadout(gram(x, y), 1, 1);

        // With one feature, lambda = alpha * rows * variance, so the weight is 4 / (1 + alpha).
        assertThat(ridge.fit(1.0).weights()[0]).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void shouldRejectGramOfWrongSize() {
        assertThatThrownBy(() -> new RidgeReadout(new double[10], 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Gram has 10 entries, expected 5x5");
    }
}
