package io.inferstream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A float tensor holding one slice per key along a batch axis ({@link BatchedShape}), for every
 * batch size N up to a maximum, on one direct buffer allocated once: ONNX Runtime reads inputs
 * from it and writes pinned outputs into it without a copy, and the tensor view of each N is
 * created once and reused. With the batch on axis 0 a key's slice is one contiguous row; on a
 * later axis the keys' runs interleave, and {@link #writeColumns}/{@link #readColumns} gather
 * and scatter them. Closed by its owner.
 */
final class BatchTensor implements AutoCloseable {
    private final BatchedShape shape;
    /** Floats of one key's slice. */
    private final int width;

    private final int outer;
    private final int inner;
    private final FloatBuffer buffer;
    private final OnnxTensor[] views;

    /** A tensor [N, rowShape...]: batch first, each key one contiguous row. */
    BatchTensor(int maxBatch, long... rowShape) {
        this(maxBatch, batchFirst(rowShape));
    }

    BatchTensor(int maxBatch, BatchedShape shape) {
        this.shape = shape;
        this.width = shape.sliceSize();
        this.outer = shape.outer();
        this.inner = shape.inner();
        this.buffer = ByteBuffer.allocateDirect(maxBatch * width * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        this.views = new OnnxTensor[maxBatch + 1];
    }

    private static BatchedShape batchFirst(long[] rowShape) {
        long[] dims = new long[rowShape.length + 1];
        System.arraycopy(rowShape, 0, dims, 1, rowShape.length);
        return new BatchedShape(dims, 0);
    }

    /** The tensor of n keys, over the start of the buffer. */
    OnnxTensor tensor(int n) throws OrtException {
        if (views[n] == null) {
            FloatBuffer slice = buffer.duplicate().position(0).limit(n * width).slice();
            views[n] = OnnxTensor.createTensor(OnnxSessions.environment(), slice, shape.shapeFor(n));
        }
        return views[n];
    }

    /** Writes row {@code row} (width floats) of a batch-first tensor. */
    void writeRow(int row, float[] values) {
        if (values.length != width) {
            throw new IllegalArgumentException("row has " + values.length + " floats; expected " + width);
        }
        if (outer != 1) {
            throw new IllegalStateException("writeRow on " + shape + "; expected the batch on axis 0");
        }
        buffer.put(row * width, values);
    }

    /** Reads row {@code row} into {@code values} (width floats) of a batch-first tensor. */
    void readRow(int row, float[] values) {
        if (outer != 1) {
            throw new IllegalStateException("readRow on " + shape + "; expected the batch on axis 0");
        }
        buffer.get(row * width, values);
    }

    /**
     * Stacks n keys: key r's slice is {@code rows[r * rowWidth + offset ..]} (width floats), and
     * its run o of inner floats goes to position (o, r) of the tensor of n keys.
     */
    void writeColumns(float[] rows, int n, int rowWidth, int offset) {
        for (int o = 0; o < outer; o++) {
            int target = o * n * inner;
            int source = offset + o * inner;
            for (int r = 0; r < n; r++) {
                buffer.put(target + r * inner, rows, source + r * rowWidth, inner);
            }
        }
    }

    /** The inverse of {@link #writeColumns}: splits the tensor of n keys into their slices. */
    void readColumns(float[] rows, int n, int rowWidth, int offset) {
        for (int o = 0; o < outer; o++) {
            int source = o * n * inner;
            int target = offset + o * inner;
            for (int r = 0; r < n; r++) {
                buffer.get(source + r * inner, rows, target + r * rowWidth, inner);
            }
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
