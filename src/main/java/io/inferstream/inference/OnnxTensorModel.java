package io.inferstream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs any model of float tensors batched on axis 0: each input and output is [N, fixed dims...]
 * (or [N]), so a batch of n rows is n rows of {@link TensorPort#width()} floats per port. Like
 * {@link OnnxImageClassifier}, the tensors live on direct buffers allocated once and reused. Not
 * thread-safe: one per operator instance.
 */
public final class OnnxTensorModel implements AutoCloseable {
    private final OrtSession session;
    private final List<TensorPort> inputs;
    private final List<TensorPort> outputs;
    private final int maxBatch;
    private final BatchTensor[] inputTensors;
    private final BatchTensor[] outputTensors;

    private OnnxTensorModel(OrtSession session, List<TensorPort> inputs, List<TensorPort> outputs, int maxBatch) {
        this.session = session;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.maxBatch = maxBatch;
        this.inputTensors = new BatchTensor[inputs.size()];
        this.outputTensors = new BatchTensor[outputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            inputTensors[i] = new BatchTensor(maxBatch, inputs.get(i).rowShape());
        }
        for (int i = 0; i < outputs.size(); i++) {
            outputTensors[i] = new BatchTensor(maxBatch, outputs.get(i).rowShape());
        }
    }

    /**
     * Loads a model and checks that every input and every output it names is a float tensor
     * batched on axis 0 with fixed other axes. Outputs: the names to fetch, or null for all. The
     * batch is at most maxBatch rows, and 1 where the model fixes axis 0 at 1.
     */
    public static OnnxTensorModel load(ModelBytes model, List<String> outputNames, int maxBatch, OnnxOptions onnx) {
        OrtSession session = OnnxSessions.open(model, onnx);
        try {
            List<TensorPort> ins = ports(session.getInputInfo(), null, "input");
            List<TensorPort> outs = ports(session.getOutputInfo(), outputNames, "output");
            boolean batchable = true;
            for (TensorPort port : concat(ins, outs)) {
                batchable &= port.shape()[0] != 1;
            }
            return new OnnxTensorModel(session, ins, outs, batchable ? maxBatch : 1);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new ModelContractException("cannot read the model's signature: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Loads a model only to read its inputs and outputs (every output), on the CPU. */
    public static List<List<TensorPort>> inspect(ModelBytes model) {
        try (OnnxTensorModel m = load(model, null, 1, OnnxOptions.CPU)) {
            return List.of(m.inputs(), m.outputs());
        }
    }

    public List<TensorPort> inputs() {
        return inputs;
    }

    public List<TensorPort> outputs() {
        return outputs;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /**
     * Runs n rows: {@code rows[i]} holds n rows of input i, each {@code inputs().get(i).width()}
     * floats, row after row. Returns, per output, its n rows the same way.
     */
    public float[][] run(float[][] rows, int n) {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " rows: expected 1 to " + maxBatch);
        }
        if (rows.length != inputs.size()) {
            throw new IllegalArgumentException("got " + rows.length + " inputs; the model takes " + inputs.size());
        }
        try {
            Map<String, OnnxTensor> feed = new HashMap<>();
            for (int i = 0; i < inputs.size(); i++) {
                TensorPort port = inputs.get(i);
                if (rows[i].length != n * port.width()) {
                    throw new IllegalArgumentException("input '" + port.name() + "' got " + rows[i].length
                            + " floats for " + n + " rows; expected " + n * port.width());
                }
                inputTensors[i].writeColumns(rows[i], n, port.width(), 0);
                feed.put(port.name(), inputTensors[i].tensor(n));
            }
            Map<String, OnnxTensor> pinned = new HashMap<>();
            for (int i = 0; i < outputs.size(); i++) {
                pinned.put(outputs.get(i).name(), outputTensors[i].tensor(n));
            }
            // Outputs are pinned: ONNX Runtime writes into our buffers, the Result owns nothing.
            try (OrtSession.Result ignored = session.run(feed, pinned)) {
                float[][] results = new float[outputs.size()][];
                for (int i = 0; i < outputs.size(); i++) {
                    int width = outputs.get(i).width();
                    results[i] = new float[n * width];
                    outputTensors[i].readColumns(results[i], n, width, 0);
                }
                return results;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + " rows: " + e.getMessage(), e);
        }
    }

    private static List<TensorPort> ports(Map<String, NodeInfo> nodes, List<String> wanted, String what) {
        List<String> names = wanted == null ? new ArrayList<>(nodes.keySet()) : wanted;
        List<TensorPort> ports = new ArrayList<>();
        for (String name : names) {
            TensorInfo info = OnnxSessions.tensorInfo(nodes, name, what);
            ports.add(port(name, info, what));
        }
        return ports;
    }

    private static TensorPort port(String name, TensorInfo info, String what) {
        long[] shape = info.getShape();
        String expected = "expected a float tensor batched on axis 0, like [N] or [N,4], with fixed other axes";
        if (info.type != OnnxJavaType.FLOAT || shape.length == 0) {
            throw new ModelContractException("model " + what + " '" + name + "' is " + info.type + " "
                    + OnnxSessions.shapeString(shape) + "; " + expected);
        }
        long width = 1;
        for (int axis = 1; axis < shape.length; axis++) {
            if (shape[axis] <= 0) {
                throw new ModelContractException("model " + what + " '" + name + "' is float "
                        + OnnxSessions.shapeString(shape) + " with a symbolic axis " + axis + "; " + expected);
            }
            width *= shape[axis];
        }
        if (shape[0] > 1) {
            throw new ModelContractException("model " + what + " '" + name + "' is float "
                    + OnnxSessions.shapeString(shape) + " with axis 0 fixed at " + shape[0] + "; " + expected);
        }
        return new TensorPort(name, shape, (int) width);
    }

    private static List<TensorPort> concat(List<TensorPort> a, List<TensorPort> b) {
        List<TensorPort> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Override
    public void close() {
        for (BatchTensor t : inputTensors) {
            t.close();
        }
        for (BatchTensor t : outputTensors) {
            t.close();
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
