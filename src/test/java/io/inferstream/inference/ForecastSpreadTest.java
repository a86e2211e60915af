package io.inferstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ForecastSpreadTest {

    @Test
    void normalQuantileMatchesTabulatedValues() {
        // Values from standard tables (e.g. R's qnorm), to 1e-8.
        assertThat(ForecastSpread.normalQuantile(0.5)).isCloseTo(0.0, within(1e-12));
        assertThat(ForecastSpread.normalQuantile(0.95)).isCloseTo(1.6448536270, within(1e-8));
        assertThat(ForecastSpread.normalQuantile(0.975)).isCloseTo(1.9599639845, within(1e-8));
        assertThat(ForecastSpread.normalQuantile(0.995)).isCloseTo(2.5758293035, within(1e-8));
        assertThat(ForecastSpread.normalQuantile(0.001)).isCloseTo(-3.0902323062, within(1e-8));
        assertThat(ForecastSpread.normalQuantile(0.01)).isCloseTo(-2.3263478740, within(1e-8));
    }

    @Test
    void zOfALevelIsTheCentralQuantile() {
        assertThat(ForecastSpread.zForLevel(0.9)).isCloseTo(1.6448536270, within(1e-8));
        assertThat(ForecastSpread.zForLevel(0.95)).isCloseTo(1.9599639845, within(1e-8));
        assertThatThrownBy(() -> ForecastSpread.zForLevel(1.0))
                .hasMessageContaining("interval level 1.0")
                .hasMessageContaining("expected a fraction in (0, 1)");
    }

    @Test
    void meanSquareIsThePlainMeanUntilTheDecayTakesOver() {
        double decay = 0.25;
        double ms = 0;
        double[] errors = {1, -3, 2, 0.5, 4, -1};
        for (int i = 0; i < errors.length; i++) {
            ms = ForecastSpread.nextMeanSquare(ms, i, errors[i], decay);
            if (i == 3) {
                // 4 errors = 1 / decay: still their plain mean square.
                assertThat(ms).isCloseTo((1 + 9 + 4 + 0.25) / 4, within(1e-12));
            }
        }
        double afterFour = (1 + 9 + 4 + 0.25) / 4;
        double afterFive = afterFour + 0.25 * (16 - afterFour);
        double afterSix = afterFive + 0.25 * (1 - afterFive);
        assertThat(ms).isCloseTo(afterSix, within(1e-12));
    }

    @Test
    void intervalsFromTheSpreadCoverTheirLevelForNormalErrors() {
        Random random = new Random(7);
        double z = ForecastSpread.zForLevel(0.9);
        double ms = 0;
        int covered = 0;
        int scored = 0;
        for (int i = 0; i < 20_000; i++) {
            double error = 2.0 * random.nextGaussian();
            if (i >= 100) {
                scored++;
                if (Math.abs(error) <= ForecastSpread.halfWidth(ms, z)) {
                    covered++;
                }
            }
            ms = ForecastSpread.nextMeanSquare(ms, i, error, 0.02);
        }
        assertThat((double) covered / scored).isBetween(0.88, 0.92);
    }

    @Test
    void scoreIsTheErrorInSpreads() {
        assertThat(ForecastSpread.score(-6, 4)).isCloseTo(3.0, within(1e-12));
        assertThat(ForecastSpread.score(0, 0)).isZero();
        assertThat(ForecastSpread.score(0.1, 0)).isInfinite();
    }
}
