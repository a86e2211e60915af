package io.inferstream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A float tensor of shape [N, rowShape...] for every batch size N up to a maximum, on one direct
 * buffer allocated once: ONNX Runtime reads inputs from it and writes pinned outputs into it
 * without a copy, and the tensor view of each N is created once and reused. Closed by its owner.
 */
final class BatchTensor implements AutoCloseable {
    private final long[] rowShape;
    private final int width;
    private final FloatBuffer buffer;
    private final OnnxTensor[] views;

    BatchTensor(int maxBatch, long... rowShape) {
        this.rowShape = rowShape.clone();
        long elements = 1;
        for (long d : rowShape) {
            elements *= d;
        }
        this.width = (int) elements;
        this.buffer = ByteBuffer.allocateDirect(maxBatch * width * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        this.views = new OnnxTensor[maxBatch + 1];
    }

    /** The tensor over the first n rows. */
    OnnxTensor tensor(int n) throws OrtException {
        if (views[n] == null) {
            long[] shape = new long[rowShape.length + 1];
            shape[0] = n;
            System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
            FloatBuffer slice = buffer.duplicate().position(0).limit(n * width).slice();
            views[n] = OnnxTensor.createTensor(OnnxSessions.environment(), slice, shape);
        }
        return views[n];
    }

    /** Writes row {@code row} (width floats). */
    void writeRow(int row, float[] values) {
        if (values.length != width) {
            throw new IllegalArgumentException("row has " + values.length + " floats; expected " + width);
        }
        buffer.put(row * width, values);
    }

    /** Reads row {@code row} into {@code values} (width floats). */
    void readRow(int row, float[] values) {
        buffer.get(row * width, values);
    }

    /** Copies columns [offset, offset + width) of n rows of rowWidth floats in. */
    void writeColumns(float[] rows, int n, int rowWidth, int offset) {
        for (int r = 0; r < n; r++) {
            buffer.put(r * width, rows, r * rowWidth + offset, width);
        }
    }

    /** Copies the first n rows out into columns [offset, offset + width) of rows of rowWidth floats. */
    void readColumns(float[] rows, int n, int rowWidth, int offset) {
        for (int r = 0; r < n; r++) {
            buffer.get(r * width, rows, r * rowWidth + offset, width);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < views.length; i++) {
            if (views[i] != null) {
                views[i].close();
                views[i] = null;
            }
        }
    }
}
