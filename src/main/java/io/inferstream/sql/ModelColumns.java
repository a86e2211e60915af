package io.inferstream.sql;

import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/** The SQL column types a model's INPUT and OUTPUT may use, and the checks naming a misfit. */
final class ModelColumns {
    /** The optional output column that carries why a row got no prediction. */
    static final String ERROR = "error";

    private ModelColumns() {}

    static LogicalType type(Column column) {
        return column.getDataType().getLogicalType();
    }

    static boolean isBytes(LogicalType t) {
        return t.is(LogicalTypeFamily.BINARY_STRING);
    }

    static boolean isString(LogicalType t) {
        return t.is(LogicalTypeFamily.CHARACTER_STRING);
    }

    static boolean isFloat(LogicalType t) {
        return t.is(LogicalTypeRoot.FLOAT);
    }

    static boolean isFloatArray(LogicalType t) {
        return t instanceof ArrayType && isFloat(((ArrayType) t).getElementType());
    }

    /** ARRAY&lt;ROW&lt;label STRING, score FLOAT&gt;&gt;: two fields, a string and a float. */
    static boolean isLabelScoreArray(LogicalType t) {
        if (!(t instanceof ArrayType) || !(((ArrayType) t).getElementType() instanceof RowType)) {
            return false;
        }
        RowType row = (RowType) ((ArrayType) t).getElementType();
        return row.getFieldCount() == 2 && isString(row.getTypeAt(0)) && isFloat(row.getTypeAt(1));
    }

    /** The index of the error column, or -1 when the model has none; it must be a STRING. */
    static int errorColumn(ResolvedSchema output, String model) {
        for (int i = 0; i < output.getColumnCount(); i++) {
            Column column = output.getColumns().get(i);
            if (column.getName().equalsIgnoreCase(ERROR)) {
                if (!isString(type(column))) {
                    throw new IllegalArgumentException("model " + model + ": output column '" + column.getName()
                            + "' is " + type(column) + "; expected STRING (the reason a row got no prediction)");
                }
                return i;
            }
        }
        return -1;
    }
}
