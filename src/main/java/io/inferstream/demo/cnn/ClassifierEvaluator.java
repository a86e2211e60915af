package io.inferstream.demo.cnn;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Measures the top-1 accuracy of a single-channel image classifier ONNX file on labelled
 * images, normalizing them as the file's own metadata says, as the streaming job will.
 */
public final class ClassifierEvaluator {

    private static final int BATCH = 500;

    private ClassifierEvaluator() {}

    /** Runs every image of {@code split} through the model at {@code modelFile}. */
    public static Accuracy evaluate(Path modelFile, FashionMnist.Split split) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(modelFile.toString(), options)) {
                return evaluate(env, session, split);
            }
        }
    }

    private static Accuracy evaluate(OrtEnvironment env, OrtSession session, FashionMnist.Split split)
            throws OrtException {
        if (split.count() == 0) {
            throw new IllegalArgumentException("no images to evaluate; expected at least one");
        }
        PixelNormalization normalization =
                PixelNormalization.fromMetadata(session.getMetadata().getCustomMetadata());
        String inputName = session.getInputNames().iterator().next();
        IdxFiles.Images images = split.images();
        int pixels = images.rows() * images.cols();
        int[] order = new int[split.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] batch = new float[BATCH * pixels];
        double[] scores = null;
        for (int from = 0; from < order.length; from += BATCH) {
            int count = Math.min(BATCH, order.length - from);
            normalization.apply(images, order, from, count, batch);
            try (OnnxTensor input =
                            OnnxTensor.createTensor(env, FloatBuffer.wrap(batch, 0, count * pixels), new long[] {
                                count, 1, images.rows(), images.cols()
                            });
                    OrtSession.Result result = session.run(Map.of(inputName, input))) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                int classes = out.remaining() / count;
                if (scores == null) {
                    scores = new double[order.length * classes];
                }
                for (int i = 0; i < count * classes; i++) {
                    scores[from * classes + i] = out.get(i);
                }
            }
        }
        return Accuracy.ofScores(scores, split.labels());
    }
}
