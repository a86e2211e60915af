package io.inferstream.demo.rnn;

import io.inferstream.demo.cnn.RidgeReadout;

/**
 * The Gram matrix {@code Z^T Z} of rows {@code z = [h, 1, target]}, summed in double, from which
 * {@link RidgeReadout} fits a readout and which scores a fitted readout without keeping the rows.
 */
final class ReadoutGram {

    private final int hidden;
    private final int outputs;
    private final int side;
    private final double[] upper;
    private final double[] row;

    ReadoutGram(int hidden, int outputs) {
        this.hidden = hidden;
        this.outputs = outputs;
        this.side = hidden + 1 + outputs;
        this.upper = new double[side * side];
        this.row = new double[side];
    }

    /** Adds the row of state {@code states[stateRow]} [H] and target {@code targets[targetRow]} [O]. */
    void add(float[] states, int stateRow, float[] targets, int targetRow) {
        for (int i = 0; i < hidden; i++) {
            row[i] = states[stateRow * hidden + i];
        }
        row[hidden] = 1;
        for (int k = 0; k < outputs; k++) {
            row[hidden + 1 + k] = targets[targetRow * outputs + k];
        }
        // Symmetric: sum the upper triangle only, mirror it in values().
        for (int i = 0; i < side; i++) {
            double zi = row[i];
            int offset = i * side;
            for (int j = i; j < side; j++) {
                upper[offset + j] += zi * row[j];
            }
        }
    }

    /** Adds another Gram's rows to this one. */
    void addAll(ReadoutGram other) {
        if (other.side != side) {
            throw new IllegalArgumentException(
                    "Gram of side " + other.side + " cannot be added to one of side " + side);
        }
        for (int i = 0; i < upper.length; i++) {
            upper[i] += other.upper[i];
        }
    }

    /** The full square Gram, row-major with side H + 1 + O, as {@link RidgeReadout} takes it. */
    double[] values() {
        double[] full = new double[side * side];
        for (int i = 0; i < side; i++) {
            for (int j = i; j < side; j++) {
                full[i * side + j] = upper[i * side + j];
                full[j * side + i] = upper[i * side + j];
            }
        }
        return full;
    }

    double rows() {
        return upper[hidden * side + hidden];
    }

    /**
     * Mean squared error of {@code fit} over this Gram's rows: with {@code v = [w, b, -e_k]},
     * the sum of squared residuals of output k is {@code v^T G v}.
     */
    double meanSquaredError(RidgeReadout.Fit fit) {
        if (fit.features() != hidden || fit.classes() != outputs) {
            throw new IllegalArgumentException("readout maps " + fit.features() + " states to " + fit.classes()
                    + " outputs; expected " + hidden + " to " + outputs);
        }
        double[] gram = values();
        double squares = 0;
        double[] v = new double[side];
        for (int k = 0; k < outputs; k++) {
            for (int i = 0; i < hidden; i++) {
                v[i] = fit.weights()[i * outputs + k];
            }
            v[hidden] = fit.bias()[k];
            for (int j = 0; j < outputs; j++) {
                v[hidden + 1 + j] = j == k ? -1 : 0;
            }
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    squares += v[i] * gram[i * side + j] * v[j];
                }
            }
        }
        return squares / (rows() * outputs);
    }
}
