package io.inferstream.sql;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.Row;

/**
 * Where a tick's parts are in the rows of the table given to {@code RNN_FORECAST}: its values (a
 * column {@code values} holding an array of numbers, or {@code value} holding one number, as in
 * the job's JSON ticks), its id (an optional column {@code id}) and its key (the PARTITION BY
 * columns). Resolved once when the query is planned, so a table without values fails there.
 */
final class TickColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String VALUES = "values";
    static final String VALUE = "value";
    static final String ID = "id";

    /** Position of the values column. */
    private final int values;
    /** The values column holds one number rather than an array. */
    private final boolean single;
    /** Position of the id column; -1 without one. */
    private final int id;

    private final int[] keys;

    private TickColumns(int values, boolean single, int id, int[] keys) {
        this.values = values;
        this.single = single;
        this.id = id;
        this.keys = keys;
    }

    /** Finds the columns in the table argument's row type, or fails naming the columns it has. */
    static TickColumns resolve(String argument, DataType table, int[] partitionKeys) {
        List<String> names = DataType.getFieldNames(table);
        List<DataType> types = DataType.getFieldDataTypes(table);
        int values = names.indexOf(VALUES);
        boolean single = false;
        if (values >= 0) {
            LogicalType type = types.get(values).getLogicalType();
            if (!(type instanceof ArrayType array) || !array.getElementType().is(LogicalTypeFamily.NUMERIC)) {
                throw new ValidationException("column `" + VALUES + "` of table argument '" + argument + "' is "
                        + type.asSummaryString() + "; expected an array of numbers such as ARRAY<DOUBLE>");
            }
        } else {
            values = names.indexOf(VALUE);
            single = true;
            if (values < 0) {
                throw new ValidationException("table argument '" + argument + "' has columns " + names
                        + "; expected a column `" + VALUES + "` ARRAY<DOUBLE> or `" + VALUE + "` DOUBLE with the"
                        + " tick's values");
            }
            LogicalType type = types.get(values).getLogicalType();
            if (!type.is(LogicalTypeFamily.NUMERIC)) {
                throw new ValidationException("column `" + VALUE + "` of table argument '" + argument + "' is "
                        + type.asSummaryString() + "; expected a number such as DOUBLE");
            }
        }
        if (partitionKeys.length == 0) {
            throw new ValidationException("table argument '" + argument + "' has no PARTITION BY columns;"
                    + " expected the series key, as in TABLE ticks PARTITION BY key");
        }
        return new TickColumns(values, single, names.indexOf(ID), partitionKeys.clone());
    }

    /** The tick's values, or null when the row has none (a null column or a null element). */
    double[] values(Row row) {
        Object field = row.getField(values);
        if (field == null) {
            return null;
        }
        if (single) {
            return new double[] {((Number) field).doubleValue()};
        }
        Object[] array = (Object[]) field;
        double[] result = new double[array.length];
        for (int i = 0; i < array.length; i++) {
            if (array[i] == null) {
                return null;
            }
            result[i] = ((Number) array[i]).doubleValue();
        }
        return result;
    }

    /** The tick's id, or null when the table has no id column or the row none. */
    String id(Row row) {
        Object field = id < 0 ? null : row.getField(id);
        return field == null ? null : field.toString();
    }

    /** The series key as text (the PARTITION BY columns joined by '|'), or null when a part is null. */
    String key(Row row) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < keys.length; i++) {
            Object part = row.getField(keys[i]);
            if (part == null) {
                return null;
            }
            key.append(i == 0 ? "" : "|").append(part);
        }
        return key.toString();
    }
}
