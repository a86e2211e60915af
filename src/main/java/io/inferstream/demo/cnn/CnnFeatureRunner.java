package io.inferstream.demo.cnn;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs the demo CNN's feature and Gram graphs through ONNX Runtime in batches, for fitting
 * the readout.
 */
public final class CnnFeatureRunner implements AutoCloseable {

    /** Bounds the [batch,16,24,24] convolution output to about 74 MB. */
    public static final int BATCH = 2000;

    /** The constant-1 column (for the intercept), then one one-hot column per class. */
    public static final int EXTRA_COLUMNS = 1 + FashionMnist.LABELS.size();

    private static final int PIXELS = FashionMnist.ROWS * FashionMnist.COLS;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession featureSession;
    private final OrtSession gramSession;
    private final int featureCount;

    /** Compiles both graphs for the given filter bank, one intra-op thread each. */
    public CnnFeatureRunner(float[] filterBank) throws OrtException {
        this.featureCount = DemoCnnGraphs.featureCount(DemoCnnGraphs.filterCount(filterBank));
        this.featureSession =
                createSession(DemoCnnGraphs.featureGraph(filterBank).toByteArray());
        try {
            this.gramSession = createSession(
                    DemoCnnGraphs.gramGraph(filterBank, EXTRA_COLUMNS).toByteArray());
        } catch (OrtException | RuntimeException e) {
            featureSession.close();
            throw e;
        }
    }

    /** Number of features per image. */
    public int featureCount() {
        return featureCount;
    }

    /** Side of the square Gram matrix: features, then {@link #EXTRA_COLUMNS}. */
    public int gramSide() {
        return featureCount + EXTRA_COLUMNS;
    }

    /** Features of the images at {@code indices}, row-major [indices.length, featureCount]. */
    public float[] features(IdxFiles.Images images, int[] indices) throws OrtException {
        float[] features = new float[Math.multiplyExact(indices.length, featureCount)];
        float[] batch = new float[BATCH * PIXELS];
        for (int from = 0; from < indices.length; from += BATCH) {
            int count = Math.min(BATCH, indices.length - from);
            FashionMnist.NORMALIZATION.apply(images, indices, from, count, batch);
            try (OnnxTensor input = imageTensor(batch, count);
                    OrtSession.Result result = featureSession.run(Map.of(DemoCnnGraphs.INPUT, input))) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                out.get(features, from * featureCount, count * featureCount);
            }
        }
        return features;
    }

    /**
     * The Gram matrix {@code Z^T Z}, row-major and square with side {@link #gramSide()}, where
     * row i of Z holds the features of image {@code indices[i]}, a 1 and its one-hot label.
     * Each batch is summed in float by ONNX Runtime, the batches in double here.
     */
    public double[] gram(FashionMnist.Split split, int[] indices) throws OrtException {
        int side = gramSide();
        double[] gram = new double[side * side];
        float[] batch = new float[BATCH * PIXELS];
        float[] extras = new float[BATCH * EXTRA_COLUMNS];
        float[] partial = new float[side * side];
        for (int from = 0; from < indices.length; from += BATCH) {
            int count = Math.min(BATCH, indices.length - from);
            FashionMnist.NORMALIZATION.apply(split.images(), indices, from, count, batch);
            fillExtras(split.labels(), indices, from, count, extras);
            try (OnnxTensor input = imageTensor(batch, count);
                    OnnxTensor extra = OnnxTensor.createTensor(
                            env, FloatBuffer.wrap(extras, 0, count * EXTRA_COLUMNS), new long[] {count, EXTRA_COLUMNS
                            });
                    OrtSession.Result result =
                            gramSession.run(Map.of(DemoCnnGraphs.INPUT, input, DemoCnnGraphs.EXTRAS, extra))) {
                ((OnnxTensor) result.get(0)).getFloatBuffer().get(partial);
            }
            for (int i = 0; i < partial.length; i++) {
                gram[i] += partial[i];
            }
        }
        return gram;
    }

    @Override
    public void close() throws OrtException {
        try {
            featureSession.close();
        } finally {
            gramSession.close();
        }
    }

    private OrtSession createSession(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // One thread, as in the jobs: two spinning threads on two cores were slower.
            options.setIntraOpNumThreads(1);
            return env.createSession(model, options);
        }
    }

    private OnnxTensor imageTensor(float[] batch, int count) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(batch, 0, count * PIXELS), new long[] {
            count, 1, FashionMnist.ROWS, FashionMnist.COLS
        });
    }

    private static void fillExtras(byte[] labels, int[] indices, int from, int count, float[] extras) {
        Arrays.fill(extras, 0, count * EXTRA_COLUMNS, 0f);
        for (int i = 0; i < count; i++) {
            extras[i * EXTRA_COLUMNS] = 1f;
            extras[i * EXTRA_COLUMNS + 1 + labels[indices[from + i]]] = 1f;
        }
    }
}
