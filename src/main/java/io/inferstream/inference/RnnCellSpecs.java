package io.inferstream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks a model against the RNN-cell contract and resolves its {@link RnnCellSpec}. */
public final class RnnCellSpecs {

    private RnnCellSpecs() {}

    /**
     * Inputs x [N,F] and states [N,H_i]; outputs y [N,O] and next states of the same shapes as
     * the state inputs. Names from metadata after overrides; defaults x, h, y, h_next.
     */
    public static RnnCellSpec resolve(OrtSession session, Map<String, String> overrides) {
        try {
            OnnxModelMetadata metadata = session.getMetadata();
            Map<String, String> props = new java.util.HashMap<>(metadata.getCustomMetadata());
            props.putAll(overrides);
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String x = props.getOrDefault(ModelMetadataKeys.RNN_INPUT, "x");
            List<String> states = names(props.getOrDefault(ModelMetadataKeys.RNN_STATE_INPUTS, "h"));
            List<String> nextStates = names(props.getOrDefault(ModelMetadataKeys.RNN_STATE_OUTPUTS, "h_next"));
            String y = props.getOrDefault(ModelMetadataKeys.RNN_OUTPUT, "y");
            if (states.size() != nextStates.size()) {
                throw new ModelContractException("state inputs " + states + " and state outputs " + nextStates
                        + " differ in number; expected one next-state output per state input");
            }
            List<String> expectedInputs = new ArrayList<>(states);
            expectedInputs.add(0, x);
            if (!inputs.keySet().containsAll(expectedInputs) || inputs.size() != expectedInputs.size()) {
                throw new ModelContractException("model has inputs " + inputs.keySet() + "; expected " + expectedInputs
                        + " (name them with model.input-name and model.state-inputs)");
            }
            int features = width(OnnxSessions.tensorInfo(inputs, x, "input"), x, "input");
            int[] sizes = new int[states.size()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = width(OnnxSessions.tensorInfo(inputs, states.get(i), "input"), states.get(i), "state input");
                int next = width(
                        OnnxSessions.tensorInfo(outputs, nextStates.get(i), "output"),
                        nextStates.get(i),
                        "state output");
                if (next != sizes[i]) {
                    throw new ModelContractException(
                            "state output '" + nextStates.get(i) + "' is [N," + next + "] but state input '"
                                    + states.get(i) + "' is [N," + sizes[i] + "]; expected the same shape");
                }
            }
            int width = width(OnnxSessions.tensorInfo(outputs, y, "output"), y, "output");
            return spec(metadata, props, x, states, nextStates, y, features, sizes, width);
        } catch (OrtException e) {
            throw new ModelContractException("cannot read the model's signature: " + e.getMessage(), e);
        }
    }

    private static RnnCellSpec spec(
            OnnxModelMetadata metadata,
            Map<String, String> props,
            String x,
            List<String> states,
            List<String> nextStates,
            String y,
            int features,
            int[] sizes,
            int width)
            throws OrtException {
        List<String> outputNames = outputNames(props.get(ModelMetadataKeys.OUTPUT_NAMES), width);
        String transform =
                props.getOrDefault(ModelMetadataKeys.INPUT_TRANSFORM, "none").trim();
        if (!transform.equals("none") && !transform.equals("log-return")) {
            throw new ModelContractException(
                    ModelMetadataKeys.INPUT_TRANSFORM + " = '" + transform + "': expected none or log-return");
        }
        String graphName = metadata.getGraphName();
        return new RnnCellSpec(
                props.getOrDefault(
                        ModelMetadataKeys.NAME, graphName == null || graphName.isBlank() ? "model" : graphName),
                props.getOrDefault(ModelMetadataKeys.VERSION, Long.toString(metadata.getVersion())),
                x,
                states,
                nextStates,
                y,
                features,
                sizes,
                outputNames,
                perFeature(props, ModelMetadataKeys.INPUT_MEAN, "0", features, false),
                perFeature(props, ModelMetadataKeys.INPUT_STD, "1", features, true),
                perFeature(props, ModelMetadataKeys.OUTPUT_MEAN, "0", width, false),
                perFeature(props, ModelMetadataKeys.OUTPUT_STD, "1", width, true),
                transform.equals("log-return") ? RnnCellSpec.Transform.LOG_RETURN : RnnCellSpec.Transform.NONE);
    }

    private static int width(TensorInfo info, String name, String what) {
        long[] shape = info.getShape();
        if (info.type != OnnxJavaType.FLOAT || shape.length != 2 || shape[1] <= 0) {
            throw new ModelContractException("model " + what + " '" + name + "' is " + info.type + " "
                    + OnnxSessions.shapeString(shape) + "; expected float [N,W] with a fixed width W");
        }
        return (int) shape[1];
    }

    private static List<String> names(String value) {
        List<String> names = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                names.add(part.trim());
            }
        }
        return names;
    }

    private static List<String> outputNames(String raw, int width) {
        if (raw == null || raw.isBlank()) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                names.add("y" + i);
            }
            return names;
        }
        List<String> names = MetadataValues.parseList(raw, ModelMetadataKeys.OUTPUT_NAMES);
        if (names.size() != width) {
            throw new ModelContractException(
                    "model output has " + width + " columns but " + ModelMetadataKeys.OUTPUT_NAMES + " has "
                            + names.size() + " names " + names + "; expected one name per column");
        }
        return names;
    }

    private static double[] perFeature(
            Map<String, String> props, String key, String fallback, int count, boolean positive) {
        return MetadataValues.perItem(props.getOrDefault(key, fallback), count, key, positive, "feature");
    }
}
