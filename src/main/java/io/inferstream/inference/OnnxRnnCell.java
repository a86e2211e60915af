package io.inferstream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Steps an RNN cell for many keys in one ONNX Runtime call: key r's input and state slices are
 * stacked at position r of each tensor's batch axis (row r for [N,H]; row r of every layer for
 * PyTorch's [layers, N, H]). Inputs and outputs live on direct buffers allocated once and
 * wrapped by tensors cached per batch size, so a step allocates nothing. Not thread-safe.
 */
public final class OnnxRnnCell implements RnnStepper {
    private final OrtSession session;
    private final RnnCellSpec spec;
    private final int maxBatch;
    private final int stateCount;
    private final int[] stateOffsets;
    private final BatchTensor x;
    private final BatchTensor y;
    private final BatchTensor[] states;
    private final BatchTensor[] nextStates;
    private final Map<String, OnnxTensor>[] inputMaps;
    private final Map<String, OnnxTensor>[] outputMaps;

    private OnnxRnnCell(OrtSession session, RnnCellSpec spec, int maxBatch) {
        this.session = session;
        this.spec = spec;
        this.maxBatch = maxBatch;
        this.stateCount = spec.stateSizes.length;
        this.stateOffsets = new int[stateCount];
        this.x = new BatchTensor(maxBatch, spec.inputShape);
        this.y = new BatchTensor(maxBatch, spec.outputShape);
        this.states = new BatchTensor[stateCount];
        this.nextStates = new BatchTensor[stateCount];
        this.inputMaps = newMaps(maxBatch + 1);
        this.outputMaps = newMaps(maxBatch + 1);
        int offset = 0;
        for (int i = 0; i < stateCount; i++) {
            stateOffsets[i] = offset;
            offset += spec.stateSizes[i];
            states[i] = new BatchTensor(maxBatch, spec.stateShapes.get(i));
            nextStates[i] = new BatchTensor(maxBatch, spec.stateShapes.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, OnnxTensor>[] newMaps(int size) {
        return (Map<String, OnnxTensor>[]) new Map<?, ?>[size];
    }

    /** Loads a cell and checks its contract; it then steps up to maxBatch keys per call. */
    public static OnnxRnnCell load(Path modelFile, Map<String, String> overrides, int maxBatch, OnnxOptions onnx) {
        return load(ModelBytes.of(modelFile), overrides, maxBatch, onnx);
    }

    /** Loads a cell from its bytes and checks its contract. */
    public static OnnxRnnCell load(ModelBytes model, Map<String, String> overrides, int maxBatch, OnnxOptions onnx) {
        OrtSession session = OnnxSessions.open(model, onnx);
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

    /** Loads a model on the CPU only to check its contract, and returns its spec. */
    public static RnnCellSpec inspect(Path modelFile, Map<String, String> overrides) {
        return inspect(ModelBytes.of(modelFile), overrides, OnnxOptions.CPU);
    }

    /**
     * Loads a cell from its bytes only to check its contract, and returns its spec; with the
     * options' provider, so that a provider that cannot be used here fails (or falls back) too.
     */
    public static RnnCellSpec inspect(ModelBytes model, Map<String, String> overrides, OnnxOptions onnx) {
        try (OnnxRnnCell cell = load(model, overrides, 1, onnx)) {
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
     * state slices concatenated ({@link RnnCellSpec#stateSize()} floats each, each slice the
     * state tensor without its batch axis, row-major); the outputs go to {@code output} (n rows
     * of O) and {@code nextState} (same layout as {@code state}). The stacking along each
     * tensor's batch axis happens here.
     */
    @Override
    public void step(int n, float[] input, float[] state, float[] output, float[] nextState) {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " keys; expected 1 to " + maxBatch);
        }
        int stateSize = spec.stateSize();
        x.writeColumns(input, n, spec.features, 0);
        for (int i = 0; i < stateCount; i++) {
            states[i].writeColumns(state, n, stateSize, stateOffsets[i]);
        }
        try {
            if (inputMaps[n] == null) {
                bindings(n);
            }
            // Outputs are pinned to our buffers: the Result owns nothing that needs reading.
            try (OrtSession.Result ignored = session.run(inputMaps[n], outputMaps[n])) {
                y.readColumns(output, n, spec.outputs, 0);
                for (int i = 0; i < stateCount; i++) {
                    nextStates[i].readColumns(nextState, n, stateSize, stateOffsets[i]);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed stepping " + n + " keys: " + e.getMessage(), e);
        }
    }

    /** The name-to-tensor maps of batch size n, made once: the tensors over our buffers never change. */
    private void bindings(int n) throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> outputs = new HashMap<>();
        inputs.put(spec.inputName, x.tensor(n));
        outputs.put(spec.outputName, y.tensor(n));
        for (int i = 0; i < stateCount; i++) {
            inputs.put(spec.stateInputs.get(i), states[i].tensor(n));
            outputs.put(spec.stateOutputs.get(i), nextStates[i].tensor(n));
        }
        inputMaps[n] = inputs;
        outputMaps[n] = outputs;
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
}
