package io.inferstream.sql;

import io.inferstream.input.RejectedInputException;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.table.data.RowData;

/**
 * What a model served by ML_PREDICT does with rows: turn one input row into model input (or
 * reject it with a reason), run a batch of prepared rows in one ONNX Runtime call, and shape
 * each prediction, or a rejection, as a row of the model's OUTPUT columns. Built and checked when
 * the model is planned; the ONNX session is opened per function instance.
 */
interface RowModel extends Serializable {

    /** Loads the model; called once per function instance. */
    void open();

    /** The most rows one call takes (the model may fix its batch axis at 1). */
    int maxBatch();

    /** Model-ready input of one ML_PREDICT input row. */
    Object prepare(RowData input) throws RejectedInputException;

    /** One output row per prepared input, from one ONNX Runtime call. */
    List<RowData> predict(List<Object> prepared);

    /** The output row of a rejected input: null predictions, and the reason in the error column. */
    RowData rejected(RejectedInputException reason);

    void close();
}
