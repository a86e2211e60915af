package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.inference.ForecastSpread;
import org.junit.jupiter.api.Test;

class ForecastScoringTest {

    private static final double[] ACTUAL = {10, 11, 13, 12, 14, 17};

    @Test
    void shouldScoreModelLastValueAndSeasonalNaiveOnTheScoredTargetsOnly() {
        double[][] forecasts = new double[6][1];
        forecasts[2][0] = 12.5; // target 3: error -0.5
        forecasts[4][0] = 16; // target 5: error 1
        boolean[] scored = {true, true, true, true, false, true};

        ForecastScoring.HorizonErrors errors = ForecastScoring.errors(ACTUAL, forecasts, scored, 3, 1, 2);

        assertThat(errors.model().count()).isEqualTo(2);
        assertThat(errors.model().rmse()).isCloseTo(Math.sqrt(0.625), within(1e-12));
        assertThat(errors.model().mae()).isCloseTo(0.75, within(1e-12));
        // Last value: 12 - 13 and 17 - 14.
        assertThat(errors.lastValue().rmse()).isCloseTo(Math.sqrt(5), within(1e-12));
        assertThat(errors.lastValue().mae()).isCloseTo(2, within(1e-12));
        // Two ticks back: 12 - 11 and 17 - 12.
        assertThat(errors.seasonal().rmse()).isCloseTo(Math.sqrt(13), within(1e-12));
        assertThat(errors.seasonal().mae()).isCloseTo(3, within(1e-12));
    }

    @Test
    void shouldTakeTheSeasonalValueKnownAtTheOriginBeyondOneSeason() {
        double[][] forecasts = new double[6][3];
        boolean[] scored = {true, true, true, true, true, true};

        // Horizon 3, season 2: the value 4 ticks before the target; targets 4 and 5.
        ForecastScoring.HorizonErrors errors = ForecastScoring.errors(ACTUAL, forecasts, scored, 3, 3, 2);

        assertThat(errors.seasonal().count()).isEqualTo(2);
        assertThat(errors.seasonal().mae()).isCloseTo((14 - 10 + 17 - 11) / 2.0, within(1e-12));
        assertThat(errors.lastValue().mae()).isCloseTo((14 - 11 + 17 - 13) / 2.0, within(1e-12));
        assertThat(errors.model().mae()).isCloseTo((14 + 17) / 2.0, within(1e-12));
    }

    @Test
    void shouldCountCoverageWithTheSpreadKnownWhenEachForecastWasMade() {
        double[] actual = new double[5];
        double[][] forecasts = new double[5][2];
        double[] oneStepErrors = {1, 1, 3, 1}; // of ticks 1..4
        for (int t = 1; t < 5; t++) {
            forecasts[t - 1][0] = -oneStepErrors[t - 1];
        }
        boolean[] all = {true, true, true, true, true};
        double[] levels = {0.9};

        ForecastScoring.Coverage[] coverage = ForecastScoring.coverage(actual, forecasts, all, 0, levels, 0.5);

        // Tick 1 has no interval (no error yet); tick 2: |1| <= 1.645 * 1; tick 3: |3| > 1.645 * 1;
        // tick 4: |1| <= 1.645 * sqrt(1 + 0.5 * (9 - 1)).
        assertThat(coverage[0].count()).isEqualTo(3);
        assertThat(coverage[0].covered()).containsExactly(2);
        assertThat(coverage[0].fraction(0)).isCloseTo(2 / 3.0, within(1e-12));
        // Horizon 2 keeps its own spread: exact forecasts, the first interval (made at tick 2,
        // spread 0) is zero wide and holds the exact forecast of tick 4.
        assertThat(coverage[1].count()).isEqualTo(1);
        assertThat(coverage[1].covered()).containsExactly(1);

        boolean[] notTick4 = {true, true, true, true, false};
        assertThat(ForecastScoring.coverage(actual, forecasts, notTick4, 0, levels, 0.5)[0].covered())
                .containsExactly(1);
        assertThat(ForecastScoring.coverage(actual, forecasts, all, 3, levels, 0.5)[0].count())
                .isEqualTo(2);
    }

    @Test
    void shouldScoreEachErrorAgainstTheSpreadBeforeIt() {
        double[] actual = new double[6];
        double[] oneStep = {0, -1, 1, -1, -10, -1}; // errors 1, -1, 1, 10, 1 for ticks 1..5

        double[] scores = ForecastScoring.anomalyScores(actual, oneStep, 0.5);

        assertThat(scores[0]).isNaN();
        assertThat(scores[1]).isNaN();
        assertThat(scores[2]).isCloseTo(1, within(1e-12));
        assertThat(scores[3]).isCloseTo(1, within(1e-12));
        assertThat(scores[4]).isCloseTo(10, within(1e-12));
        // The spike itself raised the spread: 1 + 0.5 * (100 - 1).
        assertThat(scores[5]).isCloseTo(ForecastSpread.score(1, 50.5), within(1e-12));
    }

    @Test
    void shouldCountFlagsAgainstTheInjectedTicks() {
        double[] scores = {Double.NaN, Double.NaN, 1, 1, 10, 1 / Math.sqrt(50.5)};
        boolean[] injected = {false, false, false, false, true, false};
        boolean[] all = {true, true, true, true, true, true};

        ForecastScoring.FlagCounts strict = ForecastScoring.flags(scores, injected, all, 0, 2, 4);
        assertThat(strict).isEqualTo(new ForecastScoring.FlagCounts(4, 1, 0, 0, 0, 6));
        assertThat(strict.precision()).isEqualTo(1);
        assertThat(strict.recall()).isEqualTo(1);
        assertThat(strict.falseAlarmRate()).isZero();

        ForecastScoring.FlagCounts loose = ForecastScoring.flags(scores, injected, all, 0, 2, 0.5);
        assertThat(loose).isEqualTo(new ForecastScoring.FlagCounts(0.5, 1, 2, 0, 0, 6));
        assertThat(loose.precision()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(loose.falseAlarmRate()).isCloseTo(2 / 5.0, within(1e-12));

        // Warm-up: tick 2 has only 2 ticks before it.
        assertThat(ForecastScoring.flags(scores, injected, all, 0, 3, 0.5).falsePositives())
                .isEqualTo(1);
        // The tick after the spike, flagged, is counted apart.
        assertThat(ForecastScoring.flags(scores, injected, all, 0, 2, 0.1).afterInjected())
                .isEqualTo(1);

        ForecastScoring.FlagCounts missed = ForecastScoring.flags(scores, injected, all, 3, 2, 20);
        assertThat(missed).isEqualTo(new ForecastScoring.FlagCounts(20, 0, 0, 1, 0, 3));
        assertThat(missed.precision()).isNaN();
        assertThat(missed.recall()).isZero();
        assertThat(missed.plus(strict).truePositives()).isEqualTo(1);
        assertThat(missed.plus(strict).ticks()).isEqualTo(9);
    }
}
