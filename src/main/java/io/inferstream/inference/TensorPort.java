package io.inferstream.inference;

import java.io.Serializable;

/**
 * One float input or output of a {@link OnnxTensorModel}: its name, the shape the model declares
 * (axis 0 the batch) and the floats one row holds (the product of the other axes).
 */
public record TensorPort(String name, long[] shape, int width) implements Serializable {

    /** The declared shape with the batch axis as N, e.g. [N,4]. */
    public String shapeString() {
        return OnnxSessions.shapeString(shape);
    }

    /** The shape of one row with n rows in the batch. */
    long[] rowShape() {
        long[] row = new long[shape.length - 1];
        System.arraycopy(shape, 1, row, 0, row.length);
        return row;
    }
}
