package io.inferstream.inference;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What the tick job needs to know about an RNN cell: tensor names, widths, the state tensors,
 * and the input and output transforms, resolved from the model and the user's overrides.
 */
public final class RnnCellSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The per-key transform applied to raw values before standardization. */
    public enum Transform {
        NONE,
        LOG_RETURN
    }

    public final String modelName;
    public final String modelVersion;
    public final String inputName;
    public final List<String> stateInputs;
    public final List<String> stateOutputs;
    public final String outputName;
    public final int features;
    /** Width of each state tensor, in the order of {@link #stateInputs}. */
    public final int[] stateSizes;

    public final int outputs;
    public final List<String> outputNames;
    public final double[] inputMean;
    public final double[] inputStd;
    public final double[] outputMean;
    public final double[] outputStd;
    public final Transform transform;
    /** Derived once: they are read for every key the operator steps. */
    private final int stateSize;

    private final String stateShape;

    public RnnCellSpec(
            String modelName,
            String modelVersion,
            String inputName,
            List<String> stateInputs,
            List<String> stateOutputs,
            String outputName,
            int features,
            int[] stateSizes,
            List<String> outputNames,
            double[] inputMean,
            double[] inputStd,
            double[] outputMean,
            double[] outputStd,
            Transform transform) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.inputName = inputName;
        this.stateInputs = List.copyOf(stateInputs);
        this.stateOutputs = List.copyOf(stateOutputs);
        this.outputName = outputName;
        this.features = features;
        this.stateSizes = stateSizes.clone();
        this.outputs = outputNames.size();
        this.outputNames = List.copyOf(outputNames);
        this.inputMean = inputMean.clone();
        this.inputStd = inputStd.clone();
        this.outputMean = outputMean.clone();
        this.outputStd = outputStd.clone();
        this.transform = transform;
        this.stateSize = Arrays.stream(stateSizes).sum();
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < stateSizes.length; i++) {
            shape.append(i == 0 ? "" : ", ")
                    .append(stateInputs.get(i))
                    .append('[')
                    .append(stateSizes[i])
                    .append(']');
        }
        this.stateShape = shape.toString();
    }

    /** Floats of all state tensors of one key together. */
    public int stateSize() {
        return stateSize;
    }

    /** The state shapes as a user reads them, e.g. "h[64]" or "h[64], c[64]". */
    public String stateShape() {
        return stateShape;
    }

    /**
     * A non-zero number standing for {@link #stateShape()}, kept with each key's state so that
     * state written for other shapes is recognized even when its length happens to match.
     */
    public int stateShapeId() {
        int id = stateShape.hashCode();
        return id == 0 ? 1 : id;
    }

    @Override
    public String toString() {
        return String.format(
                "%s v%s: %s[%d] + %s -> %s[%d] %s",
                modelName, modelVersion, inputName, features, stateShape(), outputName, outputs, outputNames);
    }
}
