package io.inferstream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
    private final FloatBuffer inputBuffer;
    private final FloatBuffer outputBuffer;
    /** Tensors over slices of the buffers, indexed by batch size, created on first use. */
    private final OnnxTensor[] inputTensors;

    private final OnnxTensor[] outputTensors;

    private OnnxImageClassifier(OrtSession session, ImageModelSpec spec, int maxBatch) {
        this.session = session;
        this.spec = spec;
        this.maxBatch = maxBatch;
        this.inputBuffer = directFloats(maxBatch * spec.imageSize());
        this.outputBuffer = directFloats(maxBatch * spec.numClasses());
        this.inputTensors = new OnnxTensor[maxBatch + 1];
        this.outputTensors = new OnnxTensor[maxBatch + 1];
    }

    /** Loads and validates a model; the returned classifier takes batches of up to maxBatch. */
    public static OnnxImageClassifier load(
            Path modelFile, ImageModelOverrides overrides, int maxBatch, int intraOpThreads) {
        return load(ModelBytes.of(modelFile), overrides, maxBatch, intraOpThreads);
    }

    /** Loads and validates a model from its bytes. */
    public static OnnxImageClassifier load(
            ModelBytes model, ImageModelOverrides overrides, int maxBatch, int intraOpThreads) {
        OrtSession session = OnnxSessions.open(model, intraOpThreads);
        try {
            return new OnnxImageClassifier(session, ImageModelSpecs.resolve(session, overrides), maxBatch);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Loads a model only to check its contract, and returns its spec. */
    public static ImageModelSpec inspect(Path modelFile, ImageModelOverrides overrides) {
        return inspect(ModelBytes.of(modelFile), overrides);
    }

    /** Loads a model from its bytes only to check its contract, and returns its spec. */
    public static ImageModelSpec inspect(ModelBytes model, ImageModelOverrides overrides) {
        try (OnnxImageClassifier classifier = load(model, overrides, 1, 1)) {
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
        int imageSize = spec.imageSize();
        inputBuffer.clear();
        for (float[] image : images) {
            if (image.length != imageSize) {
                throw new IllegalArgumentException("image has " + image.length + " floats; expected " + imageSize);
            }
            inputBuffer.put(image);
        }
        try {
            OnnxTensor input = tensor(inputTensors, inputBuffer, n, spec.inputShape(n));
            OnnxTensor output = tensor(outputTensors, outputBuffer, n, new long[] {n, spec.numClasses()});
            // The output is pinned: ONNX Runtime writes into our buffer, the Result owns nothing.
            try (OrtSession.Result ignored =
                    session.run(Map.of(spec.inputName, input), Map.of(spec.outputName, output))) {
                return readRows(n);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + " images: " + e.getMessage(), e);
        }
    }

    private float[][] readRows(int n) {
        int k = spec.numClasses();
        float[][] rows = new float[n][k];
        FloatBuffer out = outputBuffer.duplicate();
        for (int i = 0; i < n; i++) {
            out.position(i * k);
            out.get(rows[i]);
            if (spec.logits) {
                Scores.softmaxInPlace(rows[i]);
            }
        }
        return rows;
    }

    private static OnnxTensor tensor(OnnxTensor[] cache, FloatBuffer buffer, int n, long[] shape) throws OrtException {
        if (cache[n] == null) {
            int elements = (int) product(shape);
            FloatBuffer slice = buffer.duplicate().position(0).limit(elements).slice();
            cache[n] = OnnxTensor.createTensor(OnnxSessions.environment(), slice, shape);
        }
        return cache[n];
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    private static FloatBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    @Override
    public void close() {
        for (OnnxTensor[] cache : new OnnxTensor[][] {inputTensors, outputTensors}) {
            for (int i = 0; i < cache.length; i++) {
                if (cache[i] != null) {
                    cache[i].close();
                    cache[i] = null;
                }
            }
        }
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
