package io.inferstream.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The test oracle for the image job: the demo model run directly through ONNX Runtime on the
 * raw Fashion-MNIST pixels, normalized by hand, with none of the job's own code in the path.
 */
public final class OfflineClassifier implements AutoCloseable {
    public static final Path DEMO_MODEL = Path.of("models/fashion-cnn.onnx");
    private static final float MEAN = 0.2860f;
    private static final float STD = 0.3530f;

    private final OrtSession session;

    public OfflineClassifier(Path model) throws Exception {
        session = OrtEnvironment.getEnvironment().createSession(model.toString(), new OrtSession.SessionOptions());
    }

    /** Class probabilities of one 28x28 grayscale image given as its raw bytes. */
    public float[] probabilities(byte[] pixels) throws Exception {
        float[] input = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            input[i] = ((pixels[i] & 0xff) / 255f - MEAN) / STD;
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(
                        OrtEnvironment.getEnvironment(), FloatBuffer.wrap(input), new long[] {1, 1, 28, 28});
                OrtSession.Result result = session.run(Map.of("input", tensor))) {
            return ((float[][]) result.get(0).getValue())[0];
        }
    }

    public static int argMax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() throws Exception {
        session.close();
    }
}
