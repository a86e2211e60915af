package io.inferstream.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds along which axis an RNN cell's tensors batch keys, as exporters lay them out: the one
 * symbolic dimension (PyTorch's {@code dynamic_axes}), or the axis the configuration names
 * where that is ambiguous. States may have any rank ({@code [N,H]}, PyTorch's
 * {@code [layers, N, H]}); x and y are {@code [N,F]} or carry a sequence axis of length 1
 * ({@code [N,1,F]}, {@code [1,N,F]}).
 */
final class BatchAxes {
    /** The configuration keys that set the axes, named in refusals. */
    static final String STEP_SETTING = "model.batch-axis";

    static final String STATE_SETTING = "model.state-batch-axis";

    private BatchAxes() {}

    /**
     * The shape of x or y: the last axis holds the features, the batch is one of the others,
     * and a third axis is a sequence of length 1 (a symbolic one is fed 1).
     */
    static BatchedShape ofStep(TensorInfo info, String name, String what, Integer axis) {
        long[] dims = checkFloat(info, name, what).clone();
        String shape = ModelSignature.shape(info);
        if (dims.length < 2 || dims.length > 3) {
            throw new ModelContractException("model " + what + " '" + name + "' is FLOAT " + shape
                    + "; expected [N,F], or [N,1,F] or [1,N,F] with a sequence axis of length 1");
        }
        if (dims[dims.length - 1] <= 0) {
            throw new ModelContractException("model " + what + " '" + name + "' is FLOAT " + shape
                    + "; expected a fixed width in its last dimension");
        }
        int batch = batchAxis(dims, dims.length - 1, name, what, shape, axis, STEP_SETTING);
        for (int i = 0; i < dims.length - 1; i++) {
            if (i == batch) {
                continue;
            }
            if (dims[i] > 1) {
                throw new ModelContractException("model " + what + " '" + name + "' is FLOAT " + shape
                        + " with a sequence of length " + dims[i] + " on axis " + i
                        + "; expected length 1 (the job steps one tick per call)");
            }
            dims[i] = 1;
        }
        return new BatchedShape(dims, batch);
    }

    /**
     * The shape of a state tensor: any rank, one batch axis, every other dimension fixed. A size
     * the input leaves symbolic besides the batch is taken from the next-state output where the
     * model fixes it there (exporters often infer it for outputs only).
     */
    static BatchedShape ofState(TensorInfo info, String name, String what, Integer axis, TensorInfo next) {
        long[] dims = checkFloat(info, name, what).clone();
        String shape = ModelSignature.shape(info);
        if (dims.length == 0) {
            throw new ModelContractException("model " + what + " '" + name + "' is a FLOAT scalar; expected a"
                    + " tensor with a batch axis, such as [N,H] or [layers,N,H]");
        }
        int batch = batchAxis(dims, dims.length, name, what, shape, axis, STATE_SETTING);
        long[] nextDims = next.getShape();
        for (int i = 0; i < dims.length; i++) {
            if (i != batch && dims[i] <= 0 && nextDims.length == dims.length && nextDims[i] > 0) {
                dims[i] = nextDims[i];
            }
            if (i != batch && dims[i] <= 0) {
                throw new ModelContractException("model " + what + " '" + name + "' is FLOAT " + shape
                        + ": dimension " + i + " is symbolic besides the batch on axis " + batch
                        + " and its next state does not fix it; expected fixed sizes there (export with"
                        + " dynamic_axes marking the batch only)");
            }
        }
        return new BatchedShape(dims, batch);
    }

    /**
     * The next state must have its state's shape; a dimension the model leaves unknown in its
     * output is taken as the state's.
     */
    static void checkNextState(TensorInfo info, String name, BatchedShape state, String stateName) {
        long[] dims = checkFloat(info, name, "state output");
        long[] expected = state.shapeFor(1);
        boolean fits = dims.length == expected.length;
        for (int i = 0; fits && i < dims.length; i++) {
            fits = i == state.batchAxis() ? dims[i] < 0 : dims[i] < 0 || dims[i] == expected[i];
        }
        if (!fits) {
            throw new ModelContractException("model state output '" + name + "' is FLOAT " + ModelSignature.shape(info)
                    + " but state input '" + stateName + "' is " + state
                    + "; expected the same shape, with the batch on the same axis");
        }
    }

    private static long[] checkFloat(TensorInfo info, String name, String what) {
        if (info.type != OnnxJavaType.FLOAT) {
            throw new ModelContractException("model " + what + " '" + name + "' is " + info.type + " "
                    + ModelSignature.shape(info) + "; expected FLOAT");
        }
        return info.getShape();
    }

    /** The configured axis, checked, or the only symbolic one among the first {@code candidates}. */
    private static int batchAxis(
            long[] dims, int candidates, String name, String what, String shape, Integer axis, String setting) {
        if (axis != null) {
            if (axis >= candidates) {
                throw new ModelContractException(setting + " = " + axis + " but model " + what + " '" + name
                        + "' is FLOAT " + shape + "; expected an axis from 0 to " + (candidates - 1));
            }
            if (dims[axis] >= 0) {
                throw new ModelContractException(setting + " = " + axis + " but dimension " + axis + " of model "
                        + what + " '" + name + "' FLOAT " + shape + " is fixed to " + dims[axis]
                        + "; expected the symbolic batch dimension (export with dynamic_axes marking it)");
            }
            return axis;
        }
        List<Integer> symbolic = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            if (dims[i] < 0) {
                symbolic.add(i);
            }
        }
        if (symbolic.size() == 1) {
            return symbolic.get(0);
        }
        if (symbolic.isEmpty()) {
            throw new ModelContractException("model " + what + " '" + name + "' is FLOAT " + shape
                    + " with no symbolic dimension to stack keys along; expected one batch axis N (export with"
                    + " dynamic_axes marking it, e.g. dynamic_axes={'" + name + "': {"
                    + (candidates > 2 ? 1 : 0) + ": 'N'}})");
        }
        throw new ModelContractException("model " + what + " '" + name + "' is FLOAT " + shape
                + " with symbolic dimensions on axes " + symbolic + "; set " + setting
                + " to the batch axis (PyTorch's nn.GRU and nn.LSTM keep the batch on axis 1 of their state,"
                + " and of x unless batch_first=True)");
    }

    /**
     * Parses a comma-separated list of axes: none (null entries), one for every tensor, or one
     * per tensor.
     */
    static Integer[] parse(String value, int count, String setting, String tensors) {
        Integer[] axes = new Integer[count];
        if (value == null || value.isBlank()) {
            return axes;
        }
        String[] parts = value.split(",");
        if (parts.length != 1 && parts.length != count) {
            throw new ModelContractException(setting + " = '" + value + "' has " + parts.length
                    + " values; expected 1 or " + count + " (one per tensor: " + tensors + ")");
        }
        for (int i = 0; i < count; i++) {
            String part = parts[parts.length == 1 ? 0 : i].trim();
            try {
                axes[i] = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                axes[i] = -1;
            }
            if (axes[i] < 0) {
                throw new ModelContractException(
                        setting + " = '" + value + "': expected whole numbers from 0 (axes of " + tensors + ")");
            }
        }
        return axes;
    }
}
