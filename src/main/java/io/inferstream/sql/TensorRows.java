package io.inferstream.sql;

import io.inferstream.flink.ModelFiles;
import io.inferstream.inference.ModelContractException;
import io.inferstream.inference.OnnxTensorModel;
import io.inferstream.inference.TensorPort;
import io.inferstream.input.RejectReason;
import io.inferstream.input.RejectedInputException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * A model of float tensors in SQL: each INPUT column feeds the model input of its name, each
 * OUTPUT column (but error) is filled from the model output of its name; where the model has one
 * input (output) and the SQL one column, they pair whatever their names. A FLOAT column carries
 * a tensor of one float per row, an ARRAY&lt;FLOAT&gt; column one of any fixed width, checked per
 * row.
 */
final class TensorRows implements RowModel {
    private static final long serialVersionUID = 1L;

    private final OnnxModelOptions options;
    private final List<Binding> inputs;
    private final List<Binding> outputs;
    private final int outputArity;
    private final int errorColumn;
    private transient OnnxTensorModel model;

    /** A SQL column bound to a model tensor. */
    record Binding(int column, String columnName, boolean scalar, TensorPort port) implements java.io.Serializable {}

    private TensorRows(
            OnnxModelOptions options, List<Binding> inputs, List<Binding> outputs, int outputArity, int errorColumn) {
        this.options = options;
        this.inputs = inputs;
        this.outputs = outputs;
        this.outputArity = outputArity;
        this.errorColumn = errorColumn;
    }

    /** Binds the model's INPUT and OUTPUT columns to the ONNX model's tensors and checks their shapes. */
    static TensorRows plan(String model, OnnxModelOptions options, ResolvedSchema input, ResolvedSchema output) {
        List<List<TensorPort>> signature = OnnxTensorModel.inspect(ModelFiles.read(options.modelPath));
        List<TensorPort> modelInputs = signature.get(0);
        List<TensorPort> modelOutputs = signature.get(1);
        List<Column> inColumns = input.getColumns();
        if (inColumns.size() != modelInputs.size()) {
            throw new ModelContractException("model " + model + " declares " + inColumns.size() + " input columns "
                    + names(inColumns) + " but the ONNX model has " + modelInputs.size() + " inputs "
                    + ports(modelInputs) + "; expected one column per model input");
        }
        List<Binding> inputs = new ArrayList<>();
        for (int i = 0; i < inColumns.size(); i++) {
            inputs.add(bind(model, "input", i, inColumns.get(i), modelInputs, inColumns.size()));
        }
        int errorColumn = ModelColumns.errorColumn(output, model);
        List<Column> outColumns = output.getColumns();
        int tensorColumns = outColumns.size() - (errorColumn >= 0 ? 1 : 0);
        List<Binding> outputs = new ArrayList<>();
        for (int i = 0; i < outColumns.size(); i++) {
            if (i != errorColumn) {
                outputs.add(bind(model, "output", i, outColumns.get(i), modelOutputs, tensorColumns));
            }
        }
        return new TensorRows(options, inputs, outputs, outColumns.size(), errorColumn);
    }

    private static Binding bind(
            String model, String what, int index, Column column, List<TensorPort> ports, int columnCount) {
        TensorPort port = null;
        for (TensorPort p : ports) {
            if (p.name().equals(column.getName())) {
                port = p;
            }
        }
        if (port == null && ports.size() == 1 && columnCount == 1) {
            port = ports.get(0);
        }
        if (port == null) {
            throw new ModelContractException("model " + model + ": " + what + " column '" + column.getName()
                    + "' names no model " + what + "; the ONNX model has " + ports(ports)
                    + " (name the column after its tensor, quoted with backticks where needed)");
        }
        LogicalType type = ModelColumns.type(column);
        boolean scalar = ModelColumns.isFloat(type);
        if (!scalar && !ModelColumns.isFloatArray(type)) {
            throw new ModelContractException("model " + model + ": " + what + " column '" + column.getName() + "' is "
                    + type + " for model " + what + " '" + port.name() + "' float " + port.shapeString()
                    + "; expected FLOAT or ARRAY<FLOAT>");
        }
        if (scalar && port.width() != 1) {
            throw new ModelContractException("model " + model + ": " + what + " column '" + column.getName()
                    + "' is FLOAT (shape [N,1]) but model " + what + " '" + port.name() + "' is float "
                    + port.shapeString() + "; expected ARRAY<FLOAT> of " + port.width() + " floats");
        }
        return new Binding(index, column.getName(), scalar, port);
    }

    private static List<String> names(List<Column> columns) {
        List<String> names = new ArrayList<>();
        columns.forEach(c -> names.add(c.getName()));
        return names;
    }

    private static List<String> ports(List<TensorPort> ports) {
        List<String> names = new ArrayList<>();
        ports.forEach(p -> names.add("'" + p.name() + "' float " + p.shapeString()));
        return names;
    }

    @Override
    public void open() {
        List<String> outputNames = new ArrayList<>();
        outputs.forEach(b -> outputNames.add(b.port().name()));
        model = OnnxTensorModel.load(
                ModelFiles.read(options.modelPath), outputNames, options.maxBatchSize, options.onnx);
    }

    @Override
    public int maxBatch() {
        return model == null ? options.maxBatchSize : model.maxBatch();
    }

    @Override
    public Object prepare(RowData input) throws RejectedInputException {
        float[][] row = new float[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            Binding b = inputs.get(i);
            if (input.isNullAt(b.column())) {
                throw new RejectedInputException(
                        RejectReason.EMPTY_VALUE, "input column '" + b.columnName() + "' is null");
            }
            row[i] = b.scalar() ? new float[] {input.getFloat(b.column())} : floats(b, input.getArray(b.column()));
        }
        return row;
    }

    private static float[] floats(Binding b, ArrayData array) throws RejectedInputException {
        int width = b.port().width();
        if (array.size() != width) {
            throw new RejectedInputException(
                    RejectReason.WRONG_WIDTH,
                    "input column '" + b.columnName() + "' has " + array.size() + " floats; model input '"
                            + b.port().name() + "' float " + b.port().shapeString() + " takes " + width);
        }
        float[] values = new float[width];
        for (int i = 0; i < width; i++) {
            if (array.isNullAt(i)) {
                throw new RejectedInputException(
                        RejectReason.EMPTY_VALUE,
                        "input column '" + b.columnName() + "' has a null at index " + i + "; expected " + width
                                + " floats");
            }
            values[i] = array.getFloat(i);
        }
        return values;
    }

    @Override
    public List<RowData> predict(List<Object> prepared) {
        int n = prepared.size();
        float[][] batch = new float[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            int width = inputs.get(i).port().width();
            batch[i] = new float[n * width];
            for (int r = 0; r < n; r++) {
                System.arraycopy(((float[][]) prepared.get(r))[i], 0, batch[i], r * width, width);
            }
        }
        float[][] results = model.run(batch, n);
        List<RowData> rows = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            GenericRowData out = new GenericRowData(outputArity);
            for (int o = 0; o < outputs.size(); o++) {
                Binding b = outputs.get(o);
                int width = b.port().width();
                if (b.scalar()) {
                    out.setField(b.column(), results[o][r * width]);
                } else {
                    float[] values = new float[width];
                    System.arraycopy(results[o], r * width, values, 0, width);
                    out.setField(b.column(), new GenericArrayData(values));
                }
            }
            rows.add(out);
        }
        return rows;
    }

    @Override
    public RowData rejected(RejectedInputException reason) {
        GenericRowData out = new GenericRowData(outputArity);
        if (errorColumn >= 0) {
            out.setField(errorColumn, StringData.fromString(reason.reason() + ": " + reason.getMessage()));
        }
        return out;
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
