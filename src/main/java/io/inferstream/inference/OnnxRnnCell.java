package io.inferstream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Steps an RNN cell for many keys in one ONNX Runtime call: row r of the batch is one key's
 * input and state. Inputs and outputs live on direct buffers allocated once and wrapped by
 * tensors cached per batch size, so a step allocates nothing. Not thread-safe.
 */
public final class OnnxRnnCell implements RnnStepper {
    private final OrtSession session;
    private final RnnCellSpec spec;
    private final int maxBatch;
    private final int stateCount;
    private final int[] stateOffsets;
    private final TensorSlot x;
    private final TensorSlot y;
    private final TensorSlot[] states;
    private final TensorSlot[] nextStates;

    private OnnxRnnCell(OrtSession session, RnnCellSpec spec, int maxBatch) {
        this.session = session;
        this.spec = spec;
        this.maxBatch = maxBatch;
        this.stateCount = spec.stateSizes.length;
        this.stateOffsets = new int[stateCount];
        this.x = new TensorSlot(spec.features, maxBatch);
        this.y = new TensorSlot(spec.outputs, maxBatch);
        this.states = new TensorSlot[stateCount];
        this.nextStates = new TensorSlot[stateCount];
        int offset = 0;
        for (int i = 0; i < stateCount; i++) {
            stateOffsets[i] = offset;
            offset += spec.stateSizes[i];
            states[i] = new TensorSlot(spec.stateSizes[i], maxBatch);
            nextStates[i] = new TensorSlot(spec.stateSizes[i], maxBatch);
        }
    }

    /** Loads a cell and checks its contract; it then steps up to maxBatch keys per call. */
    public static OnnxRnnCell load(Path modelFile, Map<String, String> overrides, int maxBatch, int intraOpThreads) {
        return load(ModelBytes.of(modelFile), overrides, maxBatch, intraOpThreads);
    }

    /** Loads a cell from its bytes and checks its contract. */
    public static OnnxRnnCell load(ModelBytes model, Map<String, String> overrides, int maxBatch, int intraOpThreads) {
        OrtSession session = OnnxSessions.open(model, intraOpThreads);
        try {
            return new OnnxRnnCell(session, RnnCellSpecs.resolve(session, overrides), maxBatch);
        } catch (RuntimeException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Loads a model only to check its contract, and returns its spec. */
    public static RnnCellSpec inspect(Path modelFile, Map<String, String> overrides) {
        return inspect(ModelBytes.of(modelFile), overrides);
    }

    /** Loads a cell from its bytes only to check its contract, and returns its spec. */
    public static RnnCellSpec inspect(ModelBytes model, Map<String, String> overrides) {
        try (OnnxRnnCell cell = load(model, overrides, 1, 1)) {
            return cell.spec();
        }
    }

    @Override
    public RnnCellSpec spec() {
        return spec;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    /**
     * One step for n keys. {@code input} holds n rows of F features, {@code state} n rows of all
     * state tensors concatenated ({@link RnnCellSpec#stateSize()} floats each); the outputs go to
     * {@code output} (n rows of O) and {@code nextState} (same layout as {@code state}).
     */
    @Override
    public void step(int n, float[] input, float[] state, float[] output, float[] nextState) {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " keys; expected 1 to " + maxBatch);
        }
        int stateSize = spec.stateSize();
        x.write(input, 0, n * spec.features);
        for (int i = 0; i < stateCount; i++) {
            states[i].writeColumns(state, n, stateSize, stateOffsets[i]);
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> outputs = new HashMap<>();
        try {
            inputs.put(spec.inputName, x.tensor(n));
            outputs.put(spec.outputName, y.tensor(n));
            for (int i = 0; i < stateCount; i++) {
                inputs.put(spec.stateInputs.get(i), states[i].tensor(n));
                outputs.put(spec.stateOutputs.get(i), nextStates[i].tensor(n));
            }
            // Outputs are pinned to our buffers: the Result owns nothing that needs reading.
            try (OrtSession.Result ignored = session.run(inputs, outputs)) {
                y.read(output, n * spec.outputs);
                for (int i = 0; i < stateCount; i++) {
                    nextStates[i].readColumns(nextState, n, stateSize, stateOffsets[i]);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed stepping " + n + " keys: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        x.close();
        y.close();
        for (int i = 0; i < stateCount; i++) {
            states[i].close();
            nextStates[i].close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            // Only native memory is freed here; nothing to recover.
        }
    }

    /** A [N, width] float tensor on one direct buffer, with a tensor view cached per N. */
    private static final class TensorSlot {
        private final int width;
        private final FloatBuffer buffer;
        private final OnnxTensor[] views;

        TensorSlot(int width, int maxBatch) {
            this.width = width;
            this.buffer = ByteBuffer.allocateDirect(maxBatch * width * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            this.views = new OnnxTensor[maxBatch + 1];
        }

        OnnxTensor tensor(int n) throws OrtException {
            if (views[n] == null) {
                FloatBuffer slice =
                        buffer.duplicate().position(0).limit(n * width).slice();
                views[n] = OnnxTensor.createTensor(OnnxSessions.environment(), slice, new long[] {n, width});
            }
            return views[n];
        }

        void write(float[] source, int from, int count) {
            buffer.clear();
            buffer.put(source, from, count);
        }

        /** Copies columns [offset, offset + width) of n rows of rowWidth floats. */
        void writeColumns(float[] rows, int n, int rowWidth, int offset) {
            buffer.clear();
            if (rowWidth == width) {
                buffer.put(rows, 0, n * width);
                return;
            }
            for (int r = 0; r < n; r++) {
                buffer.put(rows, r * rowWidth + offset, width);
            }
        }

        void read(float[] target, int count) {
            buffer.duplicate().position(0).get(target, 0, count);
        }

        void readColumns(float[] rows, int n, int rowWidth, int offset) {
            FloatBuffer view = buffer.duplicate();
            view.position(0);
            if (rowWidth == width) {
                view.get(rows, 0, n * width);
                return;
            }
            for (int r = 0; r < n; r++) {
                view.get(rows, r * rowWidth + offset, width);
            }
        }

        void close() {
            for (int i = 0; i < views.length; i++) {
                if (views[i] != null) {
                    views[i].close();
                    views[i] = null;
                }
            }
        }
    }
}
