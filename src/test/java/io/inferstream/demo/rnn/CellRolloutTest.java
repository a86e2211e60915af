package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.inference.ModelBytes;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CellRolloutTest {

    private static final int WEEKS = 600;
    private static final int HORIZON = 4;

    @Test
    void shouldRollEachOriginForwardAsThePlainJavaCellDoesAcrossBatches() throws Exception {
        ModelBytes model = ModelBytes.of(Co2EsnTrainer.DEFAULT_MODEL);
        EchoStateCell cell = EchoStateGraphs.readCell(Files.readAllBytes(Co2EsnTrainer.DEFAULT_MODEL));
        RnnCellSpec spec = OnnxRnnCell.inspect(Co2EsnTrainer.DEFAULT_MODEL, Map.of());
        double mean = spec.inputMean[0];
        double std = spec.inputStd[0];
        double[] series = Arrays.copyOf(Co2Weekly.load(Co2Weekly.DEFAULT_CSV).values(), WEEKS);

        double[][] forecasts = CellRollout.forecasts(model, series, HORIZON);

        // Origins on both sides of a rollout batch's edge (512).
        for (int origin : new int[] {0, 1, 300, 511, 512, WEEKS - 1}) {
            float[] h = new float[cell.hidden()];
            EchoStateCell.Step step = null;
            for (int t = 0; t <= origin; t++) {
                double change = t == 0 ? 0 : Math.log(series[t] / series[t - 1]);
                step = cell.step(new float[] {(float) ((change - mean) / std)}, h);
                h = step.hNext();
            }
            double previous = series[origin];
            double forecast = previous * Math.exp(step.y()[0] * std + mean);
            for (int k = 1; k <= HORIZON; k++) {
                assertThat(forecasts[origin][k - 1])
                        .as("origin %d, horizon %d", origin, k)
                        .isCloseTo(forecast, within(1e-3));
                double change = Math.log(forecast / previous);
                step = cell.step(new float[] {(float) ((change - mean) / std)}, h);
                h = step.hNext();
                previous = forecast;
                forecast = forecast * Math.exp(step.y()[0] * std + mean);
            }
        }
    }

    @Test
    void shouldGiveEachKeyTheOneStepForecastsOfItsOwnSeries() throws Exception {
        ModelBytes model = ModelBytes.of(Co2EsnTrainer.DEFAULT_MODEL);
        double[] series = Arrays.copyOf(Co2Weekly.load(Co2Weekly.DEFAULT_CSV).values(), 200);
        double[] spiked = series.clone();
        spiked[100] += 5;

        double[][] oneStep = CellRollout.oneStep(model, new double[][] {series, spiked});
        double[][] alone = CellRollout.forecasts(model, series, 1);

        assertThat(oneStep[0][0]).isNaN();
        for (int t = 1; t < series.length; t++) {
            assertThat(oneStep[0][t]).as("tick %d", t).isCloseTo(alone[t - 1][0], within(1e-4));
        }
        assertThat(oneStep[1][100]).isCloseTo(oneStep[0][100], within(1e-4));
        assertThat(Math.abs(oneStep[1][101] - oneStep[0][101])).isGreaterThan(1.0);
    }
}
