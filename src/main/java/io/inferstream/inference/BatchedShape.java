package io.inferstream.inference;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape of a model tensor that holds one slice per key, stacked along one batch axis: an
 * RNN state {@code [2,N,16]} (PyTorch's {@code [layers, N, hidden]}, batch on axis 1) or an
 * input {@code [N,1,F]}. A key's slice is the tensor without its batch axis, kept flat in
 * row-major order; {@link #outer()} slices of {@link #inner()} floats each lie before and after
 * the batch axis, so stacking n keys interleaves them in {@code outer} runs of n.
 */
public final class BatchedShape implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] dims;
    private final int batchAxis;
    private final int outer;
    private final int inner;

    /**
     * A shape from fixed sizes, with {@code batchAxis} standing for the batch; the size written
     * there is ignored.
     */
    public BatchedShape(long[] dims, int batchAxis) {
        if (batchAxis < 0 || batchAxis >= dims.length) {
            throw new IllegalArgumentException("batch axis " + batchAxis + " of a rank-" + dims.length
                    + " shape; expected 0 to " + (dims.length - 1));
        }
        this.dims = dims.clone();
        this.dims[batchAxis] = -1;
        this.batchAxis = batchAxis;
        long before = 1;
        long after = 1;
        for (int i = 0; i < dims.length; i++) {
            if (i == batchAxis) {
                continue;
            }
            if (dims[i] <= 0) {
                throw new IllegalArgumentException("dimension " + i + " of " + this
                        + " is not a fixed size; expected sizes > 0 besides the batch");
            }
            if (i < batchAxis) {
                before *= dims[i];
            } else {
                after *= dims[i];
            }
        }
        if (before * after > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException(this + " holds " + before * after + " floats per key; too many");
        }
        this.outer = (int) before;
        this.inner = (int) after;
    }

    /** Rows of width floats, batch first: the plain {@code [N,W]}. */
    public static BatchedShape rows(int width) {
        return new BatchedShape(new long[] {-1, width}, 0);
    }

    public int rank() {
        return dims.length;
    }

    public int batchAxis() {
        return batchAxis;
    }

    /** Floats of one key's slice. */
    public int sliceSize() {
        return outer * inner;
    }

    /** Product of the dimensions before the batch axis. */
    public int outer() {
        return outer;
    }

    /** Product of the dimensions after the batch axis. */
    public int inner() {
        return inner;
    }

    /** The size of the last dimension; for x and y, the features or outputs. */
    public long last() {
        return dims[dims.length - 1];
    }

    /** Whether this is the plain {@code [N,W]} layout (which state shapes name as just {@code [W]}). */
    public boolean isRows() {
        return dims.length == 2 && batchAxis == 0;
    }

    /** The tensor shape of n keys stacked. */
    public long[] shapeFor(int n) {
        long[] shape = dims.clone();
        shape[batchAxis] = n;
        return shape;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchedShape other && batchAxis == other.batchAxis && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + batchAxis;
    }

    /** Like {@code [2,N,16]}: N marks the batch axis. */
    @Override
    public String toString() {
        return OnnxSessions.shapeString(dims);
    }
}
