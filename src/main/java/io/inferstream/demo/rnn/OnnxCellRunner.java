package io.inferstream.demo.rnn;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.inferstream.inference.ModelMetadataKeys;
import io.inferstream.inference.OnnxSessions;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Steps a one-state RNN cell model through ONNX Runtime for many rows (keys) in one call, with
 * the tensor names its metadata gives, as the tick job does; for fitting and evaluation.
 */
final class OnnxCellRunner implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final Map<String, String> metadata;
    private final String input;
    private final String state;
    private final String output;
    private final String nextState;
    private final int features;
    private final int hidden;
    private final int outputs;

    private OnnxCellRunner(OrtSession session) throws OrtException {
        this.session = session;
        this.metadata = session.getMetadata().getCustomMetadata();
        this.input = metadata.getOrDefault(ModelMetadataKeys.RNN_INPUT, EchoStateGraphs.INPUT);
        this.state = metadata.getOrDefault(ModelMetadataKeys.RNN_STATE_INPUTS, EchoStateGraphs.STATE);
        this.output = metadata.getOrDefault(ModelMetadataKeys.RNN_OUTPUT, EchoStateGraphs.OUTPUT);
        this.nextState = metadata.getOrDefault(ModelMetadataKeys.RNN_STATE_OUTPUTS, EchoStateGraphs.NEXT_STATE);
        this.features = width(OnnxSessions.tensorInfo(session.getInputInfo(), input, "input"), input);
        this.hidden = width(OnnxSessions.tensorInfo(session.getInputInfo(), state, "state input"), state);
        this.outputs = width(OnnxSessions.tensorInfo(session.getOutputInfo(), output, "output"), output);
    }

    /** Opens a cell model with one intra-op thread, as the job does. */
    static OnnxCellRunner open(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            OrtSession session = OrtEnvironment.getEnvironment().createSession(model, options);
            try {
                return new OnnxCellRunner(session);
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        }
    }

    Map<String, String> metadata() {
        return metadata;
    }

    int features() {
        return features;
    }

    int hidden() {
        return hidden;
    }

    int outputs() {
        return outputs;
    }

    /**
     * One step for the first {@code rows} rows: x [rows,F] and h [rows,H] in, y [rows,O] and
     * hNext [rows,H] out (hNext may be h itself).
     */
    void step(float[] x, float[] h, int rows, float[] y, float[] hNext) throws OrtException {
        try (OnnxTensor xTensor = OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(x, 0, rows * features), new long[] {rows, features});
                OnnxTensor hTensor =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(h, 0, rows * hidden), new long[] {rows, hidden});
                OrtSession.Result result = session.run(Map.of(input, xTensor, state, hTensor))) {
            copy(result, output, y, rows * outputs);
            copy(result, nextState, hNext, rows * hidden);
        }
    }

    private static void copy(OrtSession.Result result, String name, float[] into, int count) {
        OnnxValue value = result.get(name)
                .orElseThrow(() -> new IllegalStateException("ONNX Runtime returned no output '" + name + "'"));
        ((OnnxTensor) value).getFloatBuffer().get(into, 0, count);
    }

    private static int width(TensorInfo tensor, String name) {
        if (tensor.getShape().length != 2 || tensor.getShape()[1] <= 0) {
            throw new IllegalArgumentException("cell tensor '" + name + "' has shape "
                    + OnnxSessions.shapeString(tensor.getShape()) + "; expected [N, fixed width]");
        }
        return (int) tensor.getShape()[1];
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
