package io.inferstream.demo.rnn;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The weights of an Elman RNN cell, {@code h_t = tanh(W_x x_t + W_h h_{t-1} + b)} and
 * {@code y_t = W_y h_t + b_y}, with a factory for a random echo-state reservoir and a
 * plain-Java reference step.
 *
 * <p>Matrices are row-major in the column-vector convention of the formulas: {@code
 * inputWeights} is W_x [H,F], {@code recurrentWeights} W_h [H,H], {@code readoutWeights} W_y
 * [O,H]. The arrays are shared, not copied: treat them as read-only.
 */
public record EchoStateCell(
        int features,
        int hidden,
        int outputs,
        float[] inputWeights,
        float[] recurrentWeights,
        float[] bias,
        float[] readoutWeights,
        float[] readoutBias) {

    /** One step's prediction {@code y [O]} and next state {@code hNext [H]}. */
    public record Step(float[] y, float[] hNext) {}

    /** Checks every array against the sizes. */
    public EchoStateCell {
        requirePositive("features", features);
        requirePositive("hidden", hidden);
        requirePositive("outputs", outputs);
        requireLength("inputWeights (W_x, hidden x features)", inputWeights, hidden * features);
        requireLength("recurrentWeights (W_h, hidden x hidden)", recurrentWeights, hidden * hidden);
        requireLength("bias (b, hidden)", bias, hidden);
        requireLength("readoutWeights (W_y, outputs x hidden)", readoutWeights, outputs * hidden);
        requireLength("readoutBias (b_y, outputs)", readoutBias, outputs);
    }

    /**
     * A random echo-state reservoir with a zero readout: W_x uniform in
     * [-inputScale, inputScale], W_h Gaussian scaled to the given spectral radius (below 1, so
     * the state forgets its start), b uniform in [-biasScale, biasScale]. {@link Random} is
     * specified exactly, so a seed gives the same weights on every JVM.
     */
    public static EchoStateCell randomReservoir(
            int features,
            int hidden,
            int outputs,
            double spectralRadius,
            double inputScale,
            double biasScale,
            long seed) {
        requirePositive("hidden", hidden);
        if (!(spectralRadius > 0 && spectralRadius < 1)) {
            throw new IllegalArgumentException(
                    "spectral radius " + spectralRadius + " must lie in (0, 1) for an echo-state reservoir");
        }
        Random random = new Random(seed);
        double[] gaussian = new double[hidden * hidden];
        for (int i = 0; i < gaussian.length; i++) {
            gaussian[i] = random.nextGaussian();
        }
        double scale = spectralRadius / spectralRadius(gaussian, hidden);
        float[] recurrent = new float[gaussian.length];
        for (int i = 0; i < gaussian.length; i++) {
            recurrent[i] = (float) (gaussian[i] * scale);
        }
        float[] input = uniform(random, hidden * features, inputScale);
        float[] bias = uniform(random, hidden, biasScale);
        return new EchoStateCell(
                features, hidden, outputs, input, recurrent, bias, new float[outputs * hidden], new float[outputs]);
    }

    /** The same reservoir with another readout. */
    public EchoStateCell withReadout(float[] readoutWeights, float[] readoutBias) {
        return new EchoStateCell(
                features, hidden, outputs, inputWeights, recurrentWeights, bias, readoutWeights, readoutBias);
    }

    /** The largest eigenvalue magnitude of W_h. */
    public double recurrentSpectralRadius() {
        double[] values = new double[recurrentWeights.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = recurrentWeights[i];
        }
        return spectralRadius(values, hidden);
    }

    /** The largest eigenvalue magnitude of a row-major square matrix, by EJML's eigen solver. */
    public static double spectralRadius(double[] square, int side) {
        if (square.length != side * side) {
            throw new IllegalArgumentException(
                    "matrix has " + square.length + " values, expected " + side + " x " + side);
        }
        EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(side, false);
        if (!eigen.decompose(new DMatrixRMaj(side, side, true, square))) {
            throw new IllegalStateException("eigenvalue decomposition of a " + side + " x " + side + " matrix failed");
        }
        double radius = 0;
        for (int i = 0; i < eigen.getNumberOfEigenvalues(); i++) {
            radius = Math.max(radius, eigen.getEigenvalue(i).getMagnitude());
        }
        return radius;
    }

    /** One step in plain Java (sums in double), the reference for the ONNX graphs. */
    public Step step(float[] x, float[] h) {
        requireLength("x", x, features);
        requireLength("h", h, hidden);
        float[] hNext = new float[hidden];
        for (int i = 0; i < hidden; i++) {
            double sum = bias[i];
            for (int f = 0; f < features; f++) {
                sum += (double) inputWeights[i * features + f] * x[f];
            }
            for (int j = 0; j < hidden; j++) {
                sum += (double) recurrentWeights[i * hidden + j] * h[j];
            }
            hNext[i] = (float) Math.tanh(sum);
        }
        float[] y = new float[outputs];
        for (int o = 0; o < outputs; o++) {
            double sum = readoutBias[o];
            for (int i = 0; i < hidden; i++) {
                sum += (double) readoutWeights[o * hidden + i] * hNext[i];
            }
            y[o] = (float) sum;
        }
        return new Step(y, hNext);
    }

    private static float[] uniform(Random random, int count, double scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (scale * (2 * random.nextDouble() - 1));
        }
        return values;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " " + value + " must be positive");
        }
    }

    private static void requireLength(String name, float[] values, int expected) {
        if (values == null || values.length != expected) {
            throw new IllegalArgumentException(name + " has "
                    + (values == null ? "no array" : values.length + " values") + ", expected " + expected);
        }
    }
}
