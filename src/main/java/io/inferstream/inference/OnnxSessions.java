package io.inferstream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;

/** Opens ONNX Runtime sessions the way every Inferstream operator wants them. */
public final class OnnxSessions {

    private OnnxSessions() {}

    /**
     * The process-wide environment. It is never closed by an operator: ONNX Runtime allows one
     * per JVM and other tasks in the same TaskManager share it.
     */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Opens a session with a fixed number of intra-op threads (one per operator instance scales
     * best; Flink parallelism supplies the rest).
     */
    public static OrtSession open(ModelBytes model, int intraOpThreads) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment().createSession(model.bytes(), options);
        } catch (OrtException e) {
            throw new ModelContractException(
                    "model '" + model.location() + "' is not a model ONNX Runtime can load: " + e.getMessage(), e);
        }
    }

    /** The tensor info of a named input or output, or a contract error naming what exists. */
    public static TensorInfo tensorInfo(java.util.Map<String, NodeInfo> nodes, String name, String what) {
        NodeInfo node = nodes.get(name);
        if (node == null) {
            throw new ModelContractException(
                    "model has no " + what + " named '" + name + "'; it has " + nodes.keySet());
        }
        if (!(node.getInfo() instanceof TensorInfo)) {
            throw new ModelContractException(
                    what + " '" + name + "' is " + node.getInfo() + "; expected a float tensor");
        }
        return (TensorInfo) node.getInfo();
    }

    /** Renders a shape with symbolic dimensions as N, like [N,1,28,28]. */
    public static String shapeString(long[] shape) {
        String[] dims = new String[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i] < 0 ? "N" : Long.toString(shape[i]);
        }
        return "[" + String.join(",", Arrays.asList(dims)) + "]";
    }
}
