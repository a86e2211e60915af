package io.inferstream.demo.rnn;

import static io.inferstream.demo.OnnxGraphBuilder.dim;
import static io.inferstream.demo.OnnxGraphBuilder.int64Value;
import static io.inferstream.demo.OnnxGraphBuilder.integer;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.inferstream.demo.OnnxGraphBuilder;
import io.inferstream.inference.ModelMetadataKeys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link EchoStateCell} as ONNX: the one-step cell model the tick job runs, and the
 * same network over a whole sequence with ONNX's {@code RNN} operator, the test oracle.
 */
public final class EchoStateGraphs {

    /** Cell model tensor names: the defaults of the RNN metadata keys. */
    public static final String INPUT = "x";

    public static final String STATE = "h";
    public static final String OUTPUT = "y";
    public static final String NEXT_STATE = "h_next";

    /** Sequence model tensor names. */
    public static final String SEQUENCE_INPUT = "X";

    public static final String SEQUENCE_INITIAL_STATE = "initial_h";
    public static final String SEQUENCE_OUTPUT = "Y";
    /** Every step's hidden state [T,N,H], to compare with the cell's {@code h_next}. */
    public static final String SEQUENCE_STATES = "H";

    // Cell model initializers, transposed for the row-vector convention x [N,F] MatMul [F,H].
    static final String INPUT_WEIGHT = "x_weight";
    static final String RECURRENT_WEIGHT = "h_weight";
    static final String BIAS = "h_bias";
    static final String READOUT_WEIGHT = "y_weight";
    static final String READOUT_BIAS = "y_bias";

    private static final String PRODUCER = "inferstream";

    private EchoStateGraphs() {}

    /**
     * The cell model: inputs {@code x [N,F]} and {@code h [N,H]}, outputs {@code y [N,O]} and
     * {@code h_next [N,H]}, N symbolic; MatMul, Add and Tanh at opset 13.
     *
     * @param metadata written as {@code metadata_props}; its model name and version, if any,
     *     also name the graph and set the model version
     */
    public static byte[] cellModel(EchoStateCell cell, Map<String, String> metadata) {
        int f = cell.features();
        int h = cell.hidden();
        int o = cell.outputs();
        String name = metadata.getOrDefault(ModelMetadataKeys.NAME, "echo-state-cell");
        OnnxGraphBuilder graph = new OnnxGraphBuilder(name)
                .input(INPUT, dim("N"), dim(f))
                .input(STATE, dim("N"), dim(h))
                .initializer(INPUT_WEIGHT, transpose(cell.inputWeights(), h, f), f, h)
                .initializer(RECURRENT_WEIGHT, transpose(cell.recurrentWeights(), h, h), h, h)
                .initializer(BIAS, cell.bias(), h)
                .initializer(READOUT_WEIGHT, transpose(cell.readoutWeights(), o, h), h, o)
                .initializer(READOUT_BIAS, cell.readoutBias(), o);
        String fromInput = graph.node("MatMul", List.of(INPUT, INPUT_WEIGHT), "x_term");
        String fromState = graph.node("MatMul", List.of(STATE, RECURRENT_WEIGHT), "h_term");
        String sum = graph.node("Add", List.of(fromInput, fromState), "xh_sum");
        String preActivation = graph.node("Add", List.of(sum, BIAS), "pre_activation");
        graph.node("Tanh", List.of(preActivation), NEXT_STATE);
        String readout = graph.node("MatMul", List.of(NEXT_STATE, READOUT_WEIGHT), "y_term");
        graph.node("Add", List.of(readout, READOUT_BIAS), OUTPUT);
        graph.output(OUTPUT, dim("N"), dim(o)).output(NEXT_STATE, dim("N"), dim(h));
        String doc = "Elman RNN cell, one step: h_next = tanh(x W_x^T + h W_h^T + b), y = h_next W_y^T + b_y;" + " F="
                + f + ", H=" + h + ", O=" + o + ".";
        return graph.buildModel(PRODUCER, modelVersion(metadata), doc, metadata).toByteArray();
    }

    /**
     * The same network over a sequence, through ONNX's {@code RNN} operator: inputs {@code X
     * [T,N,F]} and {@code initial_h [1,N,H]}, outputs {@code Y [T,N,O]} (the readout at every
     * step) and {@code H [T,N,H]} (every step's state), T and N symbolic.
     */
    public static byte[] sequenceModel(EchoStateCell cell) {
        int f = cell.features();
        int h = cell.hidden();
        int o = cell.outputs();
        // RNN wants W [1,H,F], R [1,H,H] and B [1,2H] = [Wb, Rb]: the cell's own layout.
        float[] rnnBias = Arrays.copyOf(cell.bias(), 2 * h);
        OnnxGraphBuilder graph = new OnnxGraphBuilder("echo-state-sequence")
                .input(SEQUENCE_INPUT, dim("T"), dim("N"), dim(f))
                .input(SEQUENCE_INITIAL_STATE, dim(1), dim("N"), dim(h))
                .initializer("W", cell.inputWeights(), 1, h, f)
                .initializer("R", cell.recurrentWeights(), 1, h, h)
                .initializer("B", rnnBias, 1, 2L * h)
                .initializer(READOUT_WEIGHT, transpose(cell.readoutWeights(), o, h), h, o)
                .initializer(READOUT_BIAS, cell.readoutBias(), o);
        String states = graph.node(
                "RNN",
                List.of(SEQUENCE_INPUT, "W", "R", "B", "", SEQUENCE_INITIAL_STATE),
                "rnn_states",
                integer("hidden_size", h));
        // Squeeze's axes are an int64 input at opset 13; a Constant node supplies them.
        String axes = graph.node("Constant", List.of(), "direction_axis", int64Value(1));
        graph.node("Squeeze", List.of(states, axes), SEQUENCE_STATES);
        String readout = graph.node("MatMul", List.of(SEQUENCE_STATES, READOUT_WEIGHT), "y_term");
        graph.node("Add", List.of(readout, READOUT_BIAS), SEQUENCE_OUTPUT);
        graph.output(SEQUENCE_OUTPUT, dim("T"), dim("N"), dim(o)).output(SEQUENCE_STATES, dim("T"), dim("N"), dim(h));
        String doc = "Elman RNN over a sequence (ONNX RNN, tanh, forward) with the readout at every step;" + " F=" + f
                + ", H=" + h + ", O=" + o + ".";
        return graph.buildModel(PRODUCER, 1, doc, Map.of()).toByteArray();
    }

    /** Reads the weights back from a model written by {@link #cellModel}. */
    public static EchoStateCell readCell(byte[] cellModel) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(cellModel);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(
                    "not an ONNX model (" + cellModel.length + " bytes): " + e.getMessage(), e);
        }
        List<TensorProto> initializers = model.getGraph().getInitializerList();
        TensorProto inputWeight = initializer(initializers, INPUT_WEIGHT, 2);
        TensorProto readoutWeight = initializer(initializers, READOUT_WEIGHT, 2);
        int f = (int) inputWeight.getDims(0);
        int h = (int) inputWeight.getDims(1);
        int o = (int) readoutWeight.getDims(1);
        return new EchoStateCell(
                f,
                h,
                o,
                transpose(floats(inputWeight), f, h),
                transpose(floats(initializer(initializers, RECURRENT_WEIGHT, 2)), h, h),
                floats(initializer(initializers, BIAS, 1)),
                transpose(floats(readoutWeight), h, o),
                floats(initializer(initializers, READOUT_BIAS, 1)));
    }

    private static TensorProto initializer(List<TensorProto> initializers, String name, int rank) {
        for (TensorProto tensor : initializers) {
            if (tensor.getName().equals(name)) {
                if (tensor.getDimsCount() != rank || tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
                    throw new IllegalArgumentException("initializer '" + name + "' has shape "
                            + tensor.getDimsList() + " and data type " + tensor.getDataType()
                            + "; expected a float tensor of rank " + rank);
                }
                return tensor;
            }
        }
        throw new IllegalArgumentException("model has no initializer '" + name + "'; it has "
                + initializers.stream().map(TensorProto::getName).toList()
                + " (not a cell model written by EchoStateGraphs)");
    }

    private static float[] floats(TensorProto tensor) {
        if (tensor.getRawData().isEmpty()) {
            float[] values = new float[tensor.getFloatDataCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = tensor.getFloatData(i);
            }
            return values;
        }
        ByteBuffer bytes = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    /** Row-major [rows, cols] to row-major [cols, rows]. */
    static float[] transpose(float[] matrix, int rows, int cols) {
        if (matrix.length != rows * cols) {
            throw new IllegalArgumentException(
                    "matrix has " + matrix.length + " values, expected " + rows + " x " + cols);
        }
        float[] transposed = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                transposed[c * rows + r] = matrix[r * cols + c];
            }
        }
        return transposed;
    }

    private static long modelVersion(Map<String, String> metadata) {
        String version = metadata.get(ModelMetadataKeys.VERSION);
        if (version == null) {
            return 1;
        }
        try {
            return Long.parseLong(version.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    ModelMetadataKeys.VERSION + " = '" + version + "': expected a whole number", e);
        }
    }
}
