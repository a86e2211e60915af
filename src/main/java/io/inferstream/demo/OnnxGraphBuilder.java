package io.inferstream.demo;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assembles a float ONNX graph (opset 13) node by node with the protobuf builders, checking
 * that every node reads only values defined before it.
 *
 * <p>Tribuo's operator enum lacks Conv, Relu and MaxPool, so nodes are named by their
 * {@code op_type} string.
 */
public final class OnnxGraphBuilder {

    /** The default-domain operator set the graphs are written against. */
    public static final int OPSET = 13;

    /** IR version 7 is the one ONNX 1.8 introduced together with opset 13. */
    public static final long IR_VERSION = 7;

    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();

    private final GraphProto.Builder graph;
    private final Set<String> defined = new HashSet<>();
    private int nodeCount;

    /** Starts an empty graph with the given name. */
    public OnnxGraphBuilder(String graphName) {
        this.graph = GraphProto.newBuilder().setName(graphName);
    }

    /**
     * The {@code value} attribute of a Constant node holding int64s: the axes and shapes that
     * Squeeze, Unsqueeze and Reshape take as inputs from opset 13 on.
     */
    public static AttributeProto int64Value(long... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(values.length);
        for (long v : values) {
            tensor.addInt64Data(v);
        }
        return AttributeProto.newBuilder()
                .setName("value")
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(tensor)
                .build();
    }

    /** A fixed dimension of a tensor shape. */
    public static TensorShapeProto.Dimension dim(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("dimension " + size + " must be at least 0");
        }
        return TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
    }

    /** A symbolic dimension, such as the batch size {@code "N"}. */
    public static TensorShapeProto.Dimension dim(String symbol) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(symbol).build();
    }

    /** An integer-list attribute, such as {@code kernel_shape}. */
    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    /** An integer attribute, such as {@code axis} or {@code transA}. */
    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** A float attribute, such as Gemm's {@code alpha}. */
    public static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(value)
                .build();
    }

    /** A float tensor value description with the given shape. */
    public static ValueInfoProto floatValueInfo(String name, TensorShapeProto.Dimension... dims) {
        TypeProto.Tensor tensorType = TypeProto.Tensor.newBuilder()
                .setElemType(FLOAT)
                .setShape(TensorShapeProto.newBuilder().addAllDim(Arrays.asList(dims)))
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorType))
                .build();
    }

    /** A float tensor of {@code values} in row-major order, as little-endian raw data. */
    public static TensorProto floatTensor(String name, float[] values, long... dims) {
        long expected = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        if (expected != values.length) {
            throw new IllegalArgumentException("tensor " + name + " has " + values.length + " values but shape "
                    + Arrays.toString(dims) + " needs " + expected);
        }
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : dims) {
            tensor.addDims(d);
        }
        return tensor.build();
    }

    /** Declares a float graph input. */
    public OnnxGraphBuilder input(String name, TensorShapeProto.Dimension... dims) {
        define(name, "input");
        graph.addInput(floatValueInfo(name, dims));
        return this;
    }

    /** Adds a constant float tensor (weights) that nodes may read by name. */
    public OnnxGraphBuilder initializer(String name, float[] values, long... dims) {
        define(name, "initializer");
        graph.addInitializer(floatTensor(name, values, dims));
        return this;
    }

    /**
     * Adds a node with one output; returns the output's name for chaining into the next node. An
     * empty input name marks an omitted optional input, as ONNX specifies (RNN's
     * {@code sequence_lens} before its {@code initial_h}).
     */
    public String node(String opType, List<String> inputs, String output, AttributeProto... attributes) {
        for (String input : inputs) {
            if (!input.isEmpty() && !defined.contains(input)) {
                throw new IllegalArgumentException(opType + " node reads '" + input
                        + "', which is not a graph input, initializer or earlier output; defined: "
                        + defined);
            }
        }
        define(output, opType + " output");
        graph.addNode(NodeProto.newBuilder()
                .setName(opType + "_" + nodeCount++)
                .setOpType(opType)
                .addAllInput(inputs)
                .addOutput(output)
                .addAllAttribute(Arrays.asList(attributes)));
        return output;
    }

    /** Declares an already computed value as a float graph output. */
    public OnnxGraphBuilder output(String name, TensorShapeProto.Dimension... dims) {
        if (!defined.contains(name)) {
            throw new IllegalArgumentException("graph output '" + name + "' is never computed; defined: " + defined);
        }
        graph.addOutput(floatValueInfo(name, dims));
        return this;
    }

    /** The graph built so far. */
    public GraphProto build() {
        return graph.build();
    }

    /**
     * Wraps the graph in a model for opset {@value #OPSET}.
     *
     * @param metadata written as {@code metadata_props}, in the map's iteration order
     */
    public ModelProto buildModel(String producer, long modelVersion, String docString, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName(producer)
                .setModelVersion(modelVersion)
                .setDocString(docString)
                .setGraph(build());
        metadata.forEach((key, value) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    private void define(String name, String kind) {
        if (name.isEmpty() || !defined.add(name)) {
            throw new IllegalArgumentException(kind + " name '" + name + "' is empty or already defined in the graph");
        }
    }
}
