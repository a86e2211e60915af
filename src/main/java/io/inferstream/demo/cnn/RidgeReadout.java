package io.inferstream.demo.cnn;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Fits a linear readout from features to one-hot targets in closed form by ridge regression,
 * with an unpenalized intercept, from the Gram matrix of {@code Z = [features, 1, one-hot]}.
 */
public final class RidgeReadout {

    /** Weights and intercepts of a fitted readout. */
    public record Fit(int features, int classes, double lambda, double[] weights, double[] bias) {

        /** Logits row-major [rows, classes] for row-major features [rows, features]. */
        public double[] logits(float[] featureRows) {
            int rows = featureRows.length / features;
            double[] logits = new double[rows * classes];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bias, 0, logits, r * classes, classes);
                for (int f = 0; f < features; f++) {
                    double x = featureRows[r * features + f];
                    if (x == 0) {
                        continue; // ReLU and pooling leave many zeros
                    }
                    for (int k = 0; k < classes; k++) {
                        logits[r * classes + k] += x * weights[f * classes + k];
                    }
                }
            }
            return logits;
        }

        /** Weights times {@code scale}, in float, row-major [features, classes]. */
        public float[] scaledWeights(double scale) {
            return toFloat(weights, scale);
        }

        /** Intercepts times {@code scale}, in float. */
        public float[] scaledBias(double scale) {
            return toFloat(bias, scale);
        }
    }

    private final int features;
    private final int classes;
    private final double rows;
    private final DMatrixRMaj centeredGram;
    private final DMatrixRMaj centeredCross;
    private final double[] featureMeans;
    private final double[] targetMeans;
    private final double meanVariance;

    /**
     * Centers the statistics once so that each {@link #fit} only solves.
     *
     * @param gram row-major square Gram of side {@code features + 1 + classes}
     */
    public RidgeReadout(double[] gram, int features, int classes) {
        int side = features + 1 + classes;
        if (gram.length != side * side) {
            throw new IllegalArgumentException("Gram has " + gram.length + " entries, expected "
                    + side + "x" + side + " for " + features + " features and " + classes
                    + " classes");
        }
        this.features = features;
        this.classes = classes;
        this.rows = gram[features * side + features];
        if (rows < 2) {
            throw new IllegalArgumentException("Gram counts " + rows + " rows, need at least 2");
        }
        this.featureMeans = new double[features];
        this.targetMeans = new double[classes];
        for (int f = 0; f < features; f++) {
            featureMeans[f] = gram[f * side + features] / rows;
        }
        for (int k = 0; k < classes; k++) {
            targetMeans[k] = gram[features * side + features + 1 + k] / rows;
        }
        this.centeredGram = new DMatrixRMaj(features, features);
        this.centeredCross = new DMatrixRMaj(features, classes);
        double trace = 0;
        for (int i = 0; i < features; i++) {
            for (int j = 0; j < features; j++) {
                centeredGram.unsafe_set(i, j, gram[i * side + j] - rows * featureMeans[i] * featureMeans[j]);
            }
            trace += centeredGram.unsafe_get(i, i);
            for (int k = 0; k < classes; k++) {
                centeredCross.unsafe_set(
                        i, k, gram[i * side + features + 1 + k] - rows * featureMeans[i] * targetMeans[k]);
            }
        }
        this.meanVariance = trace / features / rows;
    }

    /**
     * Solves {@code (Xc^T Xc + lambda I) W = Xc^T Yc} by Cholesky, with
     * {@code lambda = alpha * rows * meanVariance}, so {@code alpha} is free of the data's scale
     * and size.
     */
    public Fit fit(double alpha) {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("ridge alpha " + alpha + " must be positive");
        }
        double lambda = alpha * rows * meanVariance;
        DMatrixRMaj system = centeredGram.copy();
        for (int i = 0; i < features; i++) {
            system.unsafe_set(i, i, system.unsafe_get(i, i) + lambda);
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(features);
        if (!solver.setA(system)) {
            throw new IllegalStateException("Cholesky failed for ridge alpha " + alpha + " (lambda " + lambda
                    + "); the system is not positive definite");
        }
        DMatrixRMaj solution = new DMatrixRMaj(features, classes);
        solver.solve(centeredCross, solution);
        double[] bias = targetMeans.clone();
        for (int k = 0; k < classes; k++) {
            for (int f = 0; f < features; f++) {
                bias[k] -= featureMeans[f] * solution.unsafe_get(f, k);
            }
        }
        return new Fit(features, classes, lambda, solution.getData().clone(), bias);
    }

    private static float[] toFloat(double[] values, double scale) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (values[i] * scale);
        }
        return out;
    }
}
