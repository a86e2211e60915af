package io.inferstream.demo.rnn;

import java.util.Locale;

/** Root-mean-square and mean absolute error of a set of forecasts, in the value's units. */
public record ForecastErrors(double rmse, double mae, long count) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RMSE %.4f, MAE %.4f over %,d forecasts", rmse, mae, count);
    }

    /** Sums errors one at a time. */
    static final class Accumulator {
        private double squares;
        private double absolutes;
        private long count;

        void add(double error) {
            squares += error * error;
            absolutes += Math.abs(error);
            count++;
        }

        ForecastErrors errors() {
            if (count == 0) {
                throw new IllegalStateException("no forecasts were scored; is the series longer than the washout?");
            }
            return new ForecastErrors(Math.sqrt(squares / count), absolutes / count, count);
        }
    }
}
