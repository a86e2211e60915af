package io.inferstream.inference;

import ai.onnxruntime.NodeInfo;
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
     * Inputs x [N,F] and states; outputs y [N,O] and next states of the same shapes as the state
     * inputs. Each tensor batches keys along one axis ({@link BatchAxes}): a state may be
     * PyTorch's [layers, N, H], x and y may carry a sequence axis of length 1. Names from
     * metadata after overrides; defaults x, h, y, h_next. A refusal lists every input and output.
     */
    public static RnnCellSpec resolve(OrtSession session, Map<String, String> overrides) {
        try {
            OnnxModelMetadata metadata = session.getMetadata();
            Map<String, String> props = new java.util.HashMap<>(metadata.getCustomMetadata());
            props.putAll(overrides);
            Signature signature;
            try {
                signature = signature(session, props);
            } catch (ModelContractException e) {
                // Names and shapes: the refusal lists the model's; a metadata value's refusal below needs none.
                throw ModelSignature.withSignature(e, session);
            }
            return spec(metadata, props, overrides, signature);
        } catch (OrtException e) {
            throw new ModelContractException("cannot read the model's signature: " + e.getMessage(), e);
        }
    }

    /** The tensors the job binds, with the shapes in which they batch keys. */
    private record Signature(
            String x,
            List<String> states,
            List<String> nextStates,
            String y,
            BatchedShape inputShape,
            List<BatchedShape> stateShapes,
            BatchedShape outputShape) {}

    private static Signature signature(OrtSession session, Map<String, String> props) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String x = props.getOrDefault(ModelMetadataKeys.RNN_INPUT, "x");
        List<String> states = names(props.getOrDefault(ModelMetadataKeys.RNN_STATE_INPUTS, "h"));
        List<String> nextStates = names(props.getOrDefault(ModelMetadataKeys.RNN_STATE_OUTPUTS, "h_next"));
        String y = props.getOrDefault(ModelMetadataKeys.RNN_OUTPUT, "y");
        if (states.size() != nextStates.size()) {
            throw new ModelContractException("state inputs " + states + " and state outputs " + nextStates
                    + " differ in number; expected one next-state output per state input (model.state-inputs and"
                    + " model.state-outputs)");
        }
        List<String> expectedInputs = new ArrayList<>(states);
        expectedInputs.add(0, x);
        if (!inputs.keySet().containsAll(expectedInputs) || inputs.size() != expectedInputs.size()) {
            throw new ModelContractException("model has inputs " + inputs.keySet() + "; expected " + expectedInputs
                    + " (name them with model.input-name and model.state-inputs)");
        }
        List<String> expectedOutputs = new ArrayList<>(nextStates);
        expectedOutputs.add(0, y);
        if (!outputs.keySet().containsAll(expectedOutputs)) {
            throw new ModelContractException("model has outputs " + outputs.keySet() + "; expected " + expectedOutputs
                    + " among them (name them with model.output-name and model.state-outputs)");
        }
        Integer[] stepAxes = BatchAxes.parse(
                props.get(ModelMetadataKeys.RNN_BATCH_AXIS), 2, BatchAxes.STEP_SETTING, "[" + x + ", " + y + "]");
        Integer[] stateAxes = BatchAxes.parse(
                props.get(ModelMetadataKeys.RNN_STATE_BATCH_AXIS), states.size(), BatchAxes.STATE_SETTING, "" + states);
        BatchedShape inputShape =
                BatchAxes.ofStep(OnnxSessions.tensorInfo(inputs, x, "input"), x, "input", stepAxes[0]);
        List<BatchedShape> stateShapes = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            TensorInfo next = OnnxSessions.tensorInfo(outputs, nextStates.get(i), "output");
            BatchedShape state = BatchAxes.ofState(
                    OnnxSessions.tensorInfo(inputs, states.get(i), "input"),
                    states.get(i),
                    "state input",
                    stateAxes[i],
                    next);
            BatchAxes.checkNextState(next, nextStates.get(i), state, states.get(i));
            stateShapes.add(state);
        }
        BatchedShape outputShape =
                BatchAxes.ofStep(OnnxSessions.tensorInfo(outputs, y, "output"), y, "output", stepAxes[1]);
        return new Signature(x, states, nextStates, y, inputShape, stateShapes, outputShape);
    }

    private static RnnCellSpec spec(
            OnnxModelMetadata metadata, Map<String, String> props, Map<String, String> overrides, Signature s)
            throws OrtException {
        int features = s.inputShape().sliceSize();
        int width = s.outputShape().sliceSize();
        List<String> outputNames = outputNames(props.get(ModelMetadataKeys.OUTPUT_NAMES), width);
        String transform =
                props.getOrDefault(ModelMetadataKeys.INPUT_TRANSFORM, "none").trim();
        if (!transform.equals("none") && !transform.equals("log-return")) {
            throw new ModelContractException(
                    ModelMetadataKeys.INPUT_TRANSFORM + " = '" + transform + "': expected none or log-return");
        }
        String graphName = metadata.getGraphName();
        ModelVersion version = ModelVersion.resolve(metadata.getCustomMetadata(), overrides, metadata.getVersion());
        return new RnnCellSpec(
                props.getOrDefault(
                        ModelMetadataKeys.NAME, graphName == null || graphName.isBlank() ? "model" : graphName),
                version.value(),
                version.source(),
                s.x(),
                s.states(),
                s.nextStates(),
                s.y(),
                s.inputShape(),
                s.stateShapes(),
                s.outputShape(),
                outputNames,
                perFeature(props, ModelMetadataKeys.INPUT_MEAN, "0", features, false),
                perFeature(props, ModelMetadataKeys.INPUT_STD, "1", features, true),
                perFeature(props, ModelMetadataKeys.OUTPUT_MEAN, "0", width, false),
                perFeature(props, ModelMetadataKeys.OUTPUT_STD, "1", width, true),
                transform.equals("log-return") ? RnnCellSpec.Transform.LOG_RETURN : RnnCellSpec.Transform.NONE);
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
