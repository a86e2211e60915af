package io.inferstream.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks an image classifier against the CNN contract and resolves its {@link ImageModelSpec}. */
public final class ImageModelSpecs {

    private ImageModelSpecs() {}

    /**
     * Resolves the spec of a loaded session: one float input of rank 4, one float output [N,K],
     * labels matching K, and input normalization from metadata (after overrides).
     */
    public static ImageModelSpec resolve(OrtSession session, ImageModelOverrides overrides) {
        // A refusal of names or shapes lists the model's signature; one of a metadata value does not need it.
        boolean signatureFits = false;
        try {
            OnnxModelMetadata metadata = session.getMetadata();
            Map<String, String> props = overrides.applyTo(metadata.getCustomMetadata());
            String inputName = pickName(session.getInputInfo().keySet(), overrides.inputName(), "input");
            String outputName = pickName(session.getOutputInfo().keySet(), overrides.outputName(), "output");
            TensorInfo input = OnnxSessions.tensorInfo(session.getInputInfo(), inputName, "input");
            TensorInfo output = OnnxSessions.tensorInfo(session.getOutputInfo(), outputName, "output");

            TensorLayout layout =
                    TensorLayout.parse(props.getOrDefault(ModelMetadataKeys.LAYOUT, "NCHW"), ModelMetadataKeys.LAYOUT);
            long[] in = checkInput(inputName, input, layout);
            int channels = (int) (layout == TensorLayout.NCHW ? in[1] : in[3]);
            int height = (int) (layout == TensorLayout.NCHW ? in[2] : in[1]);
            int width = (int) (layout == TensorLayout.NCHW ? in[3] : in[2]);
            int classes = checkOutput(outputName, output);
            signatureFits = true;
            List<String> labels = labels(props.get(ModelMetadataKeys.LABELS), classes);

            String name = props.getOrDefault(ModelMetadataKeys.NAME, nonEmpty(metadata.getGraphName(), "model"));
            ModelVersion version = ModelVersion.resolve(
                    metadata.getCustomMetadata(), overrides.applyTo(Map.of()), metadata.getVersion());
            float scale = MetadataValues.parseFloat(
                    props.getOrDefault(ModelMetadataKeys.INPUT_SCALE, "0.00392156862745098"),
                    ModelMetadataKeys.INPUT_SCALE);
            float[] mean = MetadataValues.perChannel(
                    props.getOrDefault(ModelMetadataKeys.INPUT_MEAN, "0"),
                    channels,
                    ModelMetadataKeys.INPUT_MEAN,
                    false);
            float[] std = MetadataValues.perChannel(
                    props.getOrDefault(ModelMetadataKeys.INPUT_STD, "1"), channels, ModelMetadataKeys.INPUT_STD, true);
            String kind = props.getOrDefault(ModelMetadataKeys.OUTPUT_KIND, "probabilities")
                    .trim();
            if (!kind.equals("probabilities") && !kind.equals("logits")) {
                throw new ModelContractException(
                        ModelMetadataKeys.OUTPUT_KIND + " = '" + kind + "': expected probabilities or logits");
            }
            return new ImageModelSpec(
                    name,
                    version,
                    inputName,
                    outputName,
                    layout,
                    channels,
                    height,
                    width,
                    labels,
                    scale,
                    mean,
                    std,
                    kind.equals("logits"));
        } catch (ModelContractException e) {
            throw signatureFits ? e : ModelSignature.withSignature(e, session);
        } catch (OrtException e) {
            throw new ModelContractException("cannot read the model's signature: " + e.getMessage(), e);
        }
    }

    private static String pickName(java.util.Set<String> names, String wanted, String what) {
        if (wanted != null) {
            return wanted;
        }
        if (what.equals("input") && names.size() != 1) {
            throw new ModelContractException("model has inputs " + names + "; expected exactly one image input "
                    + "(or name it with model.input-name)");
        }
        return names.iterator().next();
    }

    private static long[] checkInput(String name, TensorInfo input, TensorLayout layout) {
        long[] shape = input.getShape();
        String expected = layout == TensorLayout.NCHW ? "float [N,C,H,W] (NCHW)" : "float [N,H,W,C] (NHWC)";
        if (input.type != OnnxJavaType.FLOAT || shape.length != 4) {
            throw new ModelContractException("model input '" + name + "' is " + input.type + " "
                    + OnnxSessions.shapeString(shape) + "; expected " + expected);
        }
        int channelAxis = layout == TensorLayout.NCHW ? 1 : 3;
        for (int axis = 1; axis < 4; axis++) {
            if (shape[axis] <= 0) {
                throw new ModelContractException("model input '" + name + "' " + OnnxSessions.shapeString(shape)
                        + " has a symbolic dimension at axis " + axis
                        + "; expected fixed C, H and W in " + expected);
            }
        }
        long c = shape[channelAxis];
        if (c != 1 && c != 3) {
            throw new ModelContractException(
                    "model input '" + name + "' " + OnnxSessions.shapeString(shape) + " has " + c
                            + " channels at axis " + channelAxis + "; expected 1 (grayscale) or 3 (RGB) in "
                            + expected + " (is inferstream.input.layout / model.layout right?)");
        }
        return shape;
    }

    private static int checkOutput(String name, TensorInfo output) {
        long[] shape = output.getShape();
        if (output.type != OnnxJavaType.FLOAT || shape.length != 2 || shape[1] <= 0) {
            throw new ModelContractException("model output '" + name + "' is " + output.type + " "
                    + OnnxSessions.shapeString(shape) + "; expected float [N,K] with fixed K");
        }
        return (int) shape[1];
    }

    private static List<String> labels(String raw, int classes) {
        if (raw == null || raw.isBlank()) {
            List<String> indices = new ArrayList<>(classes);
            for (int i = 0; i < classes; i++) {
                indices.add(Integer.toString(i));
            }
            return indices;
        }
        List<String> labels = MetadataValues.parseList(raw, ModelMetadataKeys.LABELS);
        if (labels.size() != classes) {
            throw new ModelContractException("model output has " + classes + " classes but " + ModelMetadataKeys.LABELS
                    + " has " + labels.size() + " labels " + labels
                    + "; expected one label per output column");
        }
        return labels;
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
