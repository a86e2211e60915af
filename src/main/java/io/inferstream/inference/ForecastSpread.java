package io.inferstream.inference;

/**
 * How sure a key's forecasts are, from its own past errors: for each horizon step, the mean of
 * squared forecast errors, weighted exponentially towards the newest ({@code decay}, e.g. 0.05:
 * about the last 20 errors count). Prediction intervals are {@code forecast +- z * sqrt(meanSquare)}
 * with {@code z} the normal quantile of the nominal level; a tick's anomaly score is its one-step
 * error over the spread known before it. Scalars only, so the caller keeps the per-key numbers in
 * whatever state it has (Flink keyed state in the job, arrays in an offline evaluation) and both
 * compute them alike.
 */
public final class ForecastSpread {
    private ForecastSpread() {}

    /**
     * The mean square after one more error. Until {@code 1 / decay} errors have been seen it is the
     * plain mean of those seen, so a key's first intervals are neither zero (an average started at
     * 0) nor dominated by its first error.
     *
     * @param meanSquare the mean square so far (ignored when {@code errorsSeen} is 0)
     * @param errorsSeen how many errors {@code meanSquare} has taken
     */
    public static double nextMeanSquare(double meanSquare, long errorsSeen, double error, double decay) {
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay " + decay + "; expected a weight in (0, 1]");
        }
        if (errorsSeen <= 0) {
            return error * error;
        }
        double weight = Math.max(decay, 1.0 / (errorsSeen + 1));
        return meanSquare + weight * (error * error - meanSquare);
    }

    /**
     * How many spreads {@code error} is away from the forecast: {@code |error| / sqrt(meanSquare)},
     * with {@code meanSquare} as it was before this error. A key whose forecasts were all exact
     * scores 0 for another exact one and infinity for any miss.
     */
    public static double score(double error, double meanSquare) {
        if (meanSquare > 0) {
            return Math.abs(error) / Math.sqrt(meanSquare);
        }
        return error == 0 ? 0 : Double.POSITIVE_INFINITY;
    }

    /** Half the width of the interval around a forecast: {@code z * sqrt(meanSquare)}. */
    public static double halfWidth(double meanSquare, double z) {
        return z * Math.sqrt(meanSquare);
    }

    /**
     * The {@code z} of a central interval at {@code level} (0.9 gives 1.645), for errors that are
     * normal with mean 0: the quantile of {@code (1 + level) / 2}.
     */
    public static double zForLevel(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("interval level " + level + "; expected a fraction in (0, 1)");
        }
        return normalQuantile(0.5 + level / 2);
    }

    /**
     * The standard normal distribution's quantile function, by Acklam's rational approximation
     * (relative error below 1.2e-9 over (0, 1)).
     */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("probability " + p + "; expected a value in (0, 1)");
        }
        final double pLow = 0.02425;
        if (p < pLow) {
            double q = Math.sqrt(-2 * Math.log(p));
            return tail(q);
        }
        if (p > 1 - pLow) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            return -tail(q);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5])
                * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    }

    private static double tail(double q) {
        return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    }

    private static final double[] A = {
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383577518672690e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00
    };
    private static final double[] B = {
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01
    };
    private static final double[] C = {
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00
    };
    private static final double[] D = {
        7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
}
