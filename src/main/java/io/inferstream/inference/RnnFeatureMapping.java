package io.inferstream.inference;

/**
 * Maps a tick's raw values to the cell's input row and the cell's output back to the user's
 * units, as the model's metadata says: optional per-key log-return, then per-feature
 * {@code (v - mean) / std} in; {@code y * std + mean} out (and back to a price for log-returns).
 */
public final class RnnFeatureMapping {
    private final RnnCellSpec spec;

    public RnnFeatureMapping(RnnCellSpec spec) {
        this.spec = spec;
    }

    /**
     * Writes the model input for {@code values} at {@code target[offset..offset+F)}. With the
     * log-return transform, {@code previous} is the key's last values (null for its first tick,
     * whose return counts as 0).
     */
    public void toModelInput(double[] values, double[] previous, float[] target, int offset) {
        for (int f = 0; f < spec.features; f++) {
            double v = values[f];
            if (spec.transform == RnnCellSpec.Transform.LOG_RETURN) {
                v = previous == null ? 0.0 : Math.log(values[f] / previous[f]);
            }
            target[offset + f] = (float) ((v - spec.inputMean[f]) / spec.inputStd[f]);
        }
    }

    /**
     * Null when every value, standardized, fits the model's 32-bit float input; else which does
     * not and why. A finite double beyond float range would reach the cell as infinity and
     * saturate its state. Log-returns are checked against nothing here: the return of two
     * positive finite values is bounded, and the previous value is known only when stepping.
     */
    public String outOfRange(double[] values) {
        if (spec.transform == RnnCellSpec.Transform.LOG_RETURN) {
            return null;
        }
        for (int f = 0; f < spec.features; f++) {
            double standardized = (values[f] - spec.inputMean[f]) / spec.inputStd[f];
            if (!Float.isFinite((float) standardized)) {
                return "values[" + f + "] = " + values[f] + " is " + standardized + " once standardized (mean "
                        + spec.inputMean[f] + ", std " + spec.inputStd[f] + " of model " + spec.modelName + " v"
                        + spec.modelVersion + "); expected a standardized value within +-" + Float.MAX_VALUE
                        + ", the model's float input";
            }
        }
        return null;
    }

    /** The outputs at {@code y[offset..offset+O)} in the user's units, given the tick's raw values. */
    public double[] toUserUnits(float[] y, int offset, double[] values) {
        double[] out = new double[spec.outputs];
        boolean backToPrice = spec.transform == RnnCellSpec.Transform.LOG_RETURN && spec.outputs == spec.features;
        for (int o = 0; o < spec.outputs; o++) {
            double v = y[offset + o] * spec.outputStd[o] + spec.outputMean[o];
            out[o] = backToPrice ? values[o] * Math.exp(v) : v;
        }
        return out;
    }
}
