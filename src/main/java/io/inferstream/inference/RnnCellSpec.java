package io.inferstream.inference;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What the tick job needs to know about an RNN cell: tensor names, shapes and batch axes, the
 * state tensors, and the input and output transforms, resolved from the model and the user's
 * overrides.
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
    /** Where {@link #modelVersion} came from, as start-up reports it. */
    public final String versionSource;

    public final String inputName;
    public final List<String> stateInputs;
    public final List<String> stateOutputs;
    public final String outputName;
    public final int features;
    /** Floats of one key's slice of each state tensor, in the order of {@link #stateInputs}. */
    public final int[] stateSizes;

    /** The shapes x, y and each state tensor have in the model, with their batch axes. */
    public final BatchedShape inputShape;

    public final BatchedShape outputShape;
    public final List<BatchedShape> stateShapes;

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
            String versionSource,
            String inputName,
            List<String> stateInputs,
            List<String> stateOutputs,
            String outputName,
            BatchedShape inputShape,
            List<BatchedShape> stateShapes,
            BatchedShape outputShape,
            List<String> outputNames,
            double[] inputMean,
            double[] inputStd,
            double[] outputMean,
            double[] outputStd,
            Transform transform) {
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.versionSource = versionSource;
        this.inputName = inputName;
        this.stateInputs = List.copyOf(stateInputs);
        this.stateOutputs = List.copyOf(stateOutputs);
        this.outputName = outputName;
        this.inputShape = inputShape;
        this.outputShape = outputShape;
        this.stateShapes = List.copyOf(stateShapes);
        this.features = inputShape.sliceSize();
        this.stateSizes = stateShapes.stream().mapToInt(BatchedShape::sliceSize).toArray();
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
            BatchedShape s = stateShapes.get(i);
            // [N,W] keeps its old name, so state checkpointed before layouts existed still fits.
            shape.append(i == 0 ? "" : ", ")
                    .append(stateInputs.get(i))
                    .append(s.isRows() ? "[" + stateSizes[i] + "]" : s.toString());
        }
        this.stateShape = shape.toString();
    }

    /** Floats of all state tensors of one key together. */
    public int stateSize() {
        return stateSize;
    }

    /**
     * The state shapes as a user reads them, e.g. "h[64]" or "h[64], c[64]" for [N,64] states and
     * "h[2,N,16], c[2,N,16]" for others, N marking the batch axis: the layout is part of it.
     */
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
                "%s v%s: %s%s + %s -> %s%s %s; version from %s",
                modelName,
                modelVersion,
                inputName,
                inputShape,
                stateShape(),
                outputName,
                outputShape,
                outputNames,
                versionSource);
    }
}
