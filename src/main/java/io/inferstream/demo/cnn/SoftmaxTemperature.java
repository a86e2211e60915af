package io.inferstream.demo.cnn;

/**
 * Picks the scalar multiplier on logits that minimizes softmax log-loss, so that a
 * regression readout's scores read as probabilities.
 */
public final class SoftmaxTemperature {

    private static final double MIN = 1e-3;
    private static final double MAX = 1e3;
    private static final int STEPS = 100;

    private SoftmaxTemperature() {}

    /**
     * Golden-section search over log(multiplier) in [1e-3, 1e3]. Log-loss is convex in the
     * multiplier, hence unimodal in its logarithm, so the search finds the minimum.
     *
     * @param logits row-major [labels.length, classes]
     */
    public static double fit(double[] logits, byte[] labels) {
        double ratio = (Math.sqrt(5) - 1) / 2;
        double lo = Math.log(MIN);
        double hi = Math.log(MAX);
        double a = hi - ratio * (hi - lo);
        double b = lo + ratio * (hi - lo);
        double lossA = logLoss(logits, labels, Math.exp(a));
        double lossB = logLoss(logits, labels, Math.exp(b));
        for (int step = 0; step < STEPS && hi - lo > 1e-6; step++) {
            if (lossA <= lossB) {
                hi = b;
                b = a;
                lossB = lossA;
                a = hi - ratio * (hi - lo);
                lossA = logLoss(logits, labels, Math.exp(a));
            } else {
                lo = a;
                a = b;
                lossA = lossB;
                b = lo + ratio * (hi - lo);
                lossB = logLoss(logits, labels, Math.exp(b));
            }
        }
        return Math.exp((lo + hi) / 2);
    }

    /** Mean negative log-probability of the label under {@code softmax(multiplier * logits)}. */
    public static double logLoss(double[] logits, byte[] labels, double multiplier) {
        if (labels.length == 0 || logits.length % labels.length != 0) {
            throw new IllegalArgumentException(
                    logits.length + " logits do not split evenly over " + labels.length + " labels");
        }
        int classes = logits.length / labels.length;
        double total = 0;
        for (int r = 0; r < labels.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, multiplier * logits[r * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(multiplier * logits[r * classes + k] - max);
            }
            total += max + Math.log(sum) - multiplier * logits[r * classes + labels[r]];
        }
        return total / labels.length;
    }
}
