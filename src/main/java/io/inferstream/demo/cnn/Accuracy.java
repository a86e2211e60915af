package io.inferstream.demo.cnn;

import java.util.Locale;

/**
 * How many of a classifier's top-1 predictions matched the labels.
 *
 * @param correct predictions equal to their label
 * @param total predictions made
 */
public record Accuracy(int correct, int total) {

    public Accuracy {
        if (total <= 0 || correct < 0 || correct > total) {
            throw new IllegalArgumentException("accuracy " + correct + "/" + total
                    + " is impossible; expected 0 <= correct <= total and total > 0");
        }
    }

    /** Counts rows of {@code scores}, row-major [rows, classes], whose arg-max is the label. */
    public static Accuracy ofScores(double[] scores, byte[] labels) {
        if (labels.length == 0 || scores.length % labels.length != 0) {
            throw new IllegalArgumentException(
                    scores.length + " scores do not split evenly over " + labels.length + " labels");
        }
        int classes = scores.length / labels.length;
        int correct = 0;
        for (int r = 0; r < labels.length; r++) {
            correct += argMax(scores, r * classes, classes) == labels[r] ? 1 : 0;
        }
        return new Accuracy(correct, labels.length);
    }

    /** Index, relative to {@code from}, of the largest of {@code scores[from..from+count)}. */
    public static int argMax(double[] scores, int from, int count) {
        int best = 0;
        for (int k = 1; k < count; k++) {
            if (scores[from + k] > scores[from + best]) {
                best = k;
            }
        }
        return best;
    }

    /** The fraction correct. */
    public double fraction() {
        return (double) correct / total;
    }

    /** As the model card prints it: {@code 0.8830 (8830/10000)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.4f (%d/%d)", fraction(), correct, total);
    }
}
