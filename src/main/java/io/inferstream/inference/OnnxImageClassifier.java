package io.inferstream.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a CNN classifier over batches of preprocessed images. Input and output tensors live on
 * direct buffers allocated once per batch size and reused for every call, so a batch costs one
 * copy of the pixels in and no allocation out. Not thread-safe: one per operator instance.
 */
public final class OnnxImageClassifier implements AutoCloseable {
    private final OrtSession session;
    private final ImageModelSpec spec;
    private final int maxBatch;
    private final BatchTensor input;
    private final BatchTensor output;

    private OnnxImageClassifier(OrtSession session, ImageModelSpec spec, int maxBatch) {
        this.session = session;
        this.spec = spec;
        this.maxBatch = maxBatch;
        long[] imageShape = spec.inputShape(1);
        this.input = new BatchTensor(maxBatch, java.util.Arrays.copyOfRange(imageShape, 1, imageShape.length));
        this.output = new BatchTensor(maxBatch, spec.numClasses());
    }

    /** Loads and validates a model; the returned classifier takes batches of up to maxBatch. */
    public static OnnxImageClassifier load(
            Path modelFile, ImageModelOverrides overrides, int maxBatch, OnnxOptions onnx) {
        return load(ModelBytes.of(modelFile), overrides, maxBatch, onnx);
    }

    /** Loads and validates a model from its bytes. */
    public static OnnxImageClassifier load(
            ModelBytes model, ImageModelOverrides overrides, int maxBatch, OnnxOptions onnx) {
        OrtSession session = OnnxSessions.open(model, onnx);
        try {
            return new OnnxImageClassifier(session, ImageModelSpecs.resolve(session, overrides), maxBatch);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Loads a model on the CPU only to check its contract, and returns its spec. */
    public static ImageModelSpec inspect(Path modelFile, ImageModelOverrides overrides) {
        return inspect(ModelBytes.of(modelFile), overrides, OnnxOptions.CPU);
    }

    /**
     * Loads a model from its bytes only to check its contract, and returns its spec; with the
     * options' provider, so that a provider that cannot be used here fails (or falls back) too.
     */
    public static ImageModelSpec inspect(ModelBytes model, ImageModelOverrides overrides, OnnxOptions onnx) {
        try (OnnxImageClassifier classifier = load(model, overrides, 1, onnx)) {
            return classifier.spec();
        }
    }

    public ImageModelSpec spec() {
        return spec;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /**
     * Classifies up to {@link #maxBatch()} images, each {@link ImageModelSpec#imageSize()} floats
     * in the model's layout, and returns one row of class probabilities per image.
     */
    public float[][] classify(List<float[]> images) {
        int n = images.size();
        if (n == 0) {
            return new float[0][];
        }
        if (n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " images exceeds the maximum batch size " + maxBatch);
        }
        for (int row = 0; row < n; row++) {
            input.writeRow(row, images.get(row));
        }
        try {
            // The output is pinned: ONNX Runtime writes into our buffer, the Result owns nothing.
            try (OrtSession.Result ignored =
                    session.run(Map.of(spec.inputName, input.tensor(n)), Map.of(spec.outputName, output.tensor(n)))) {
                return readRows(n);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + " images: " + e.getMessage(), e);
        }
    }

    private float[][] readRows(int n) {
        int k = spec.numClasses();
        float[][] rows = new float[n][k];
        for (int i = 0; i < n; i++) {
            output.readRow(i, rows[i]);
            if (spec.logits) {
                Scores.softmaxInPlace(rows[i]);
            }
        }
        return rows;
    }

    @Override
    public void close() {
        input.close();
        output.close();
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing a session only frees native memory; nothing to recover.
        }
    }
}
