package io.inferstream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every input and output of a model with its type and shape, as a refusal lists them: the user
 * sees at once what the model has and which names and axes to configure.
 */
public final class ModelSignature {

    private ModelSignature() {}

    /** Like "inputs: x FLOAT [N,1], h FLOAT [2,N,16]; outputs: y FLOAT [N,1], h_next FLOAT [2,N,16]". */
    public static String describe(OrtSession session) {
        try {
            return "inputs: " + describe(session.getInputInfo()) + "; outputs: " + describe(session.getOutputInfo());
        } catch (OrtException e) {
            return "(its inputs and outputs cannot be read: " + e.getMessage() + ")";
        }
    }

    static String describe(Map<String, NodeInfo> nodes) {
        List<String> parts = new ArrayList<>();
        for (NodeInfo node : nodes.values()) {
            parts.add(node.getName() + " " + describe(node));
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String describe(NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo info)) {
            return String.valueOf(node.getInfo());
        }
        return info.type + " " + shape(info);
    }

    /**
     * The shape with each symbolic dimension under the name the exporter gave it (PyTorch's
     * dynamic_axes name), or "?" where it has none.
     */
    public static String shape(TensorInfo info) {
        long[] dims = info.getShape();
        String[] names = info.getDimensionNames();
        List<String> parts = new ArrayList<>(dims.length);
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] >= 0) {
                parts.add(Long.toString(dims[i]));
            } else {
                String name = names != null && i < names.length ? names[i] : null;
                parts.add(name == null || name.isBlank() ? "?" : name);
            }
        }
        return "[" + String.join(",", parts) + "]";
    }

    /** The contract error with the model's signature added, keeping the original as its cause. */
    static ModelContractException withSignature(ModelContractException e, OrtSession session) {
        return new ModelContractException(e.getMessage() + ". The model has " + describe(session), e);
    }
}
