package io.inferstream.sql;

import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

/**
 * {@code CREATE MODEL m INPUT (...) OUTPUT (...) WITH ('provider' = 'onnx', 'model.path' = ...)}:
 * serves an ONNX model in-process through ML_PREDICT. A model with one BYTES input column is an
 * image classifier, served as the image job serves it; a model with FLOAT and ARRAY&lt;FLOAT&gt;
 * columns is a tensor model. The columns are checked against the ONNX signature here, when the
 * model is planned.
 */
public final class OnnxModelProviderFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "onnx";

    static final ConfigOption<String> MODEL_PATH = ConfigOptions.key(OnnxModelOptions.MODEL_PATH)
            .stringType()
            .noDefaultValue()
            .withDescription("The ONNX model: a local path or a URI one of Flink's file systems reads.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(MODEL_PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        // The other keys (model.*, limits.*, output.top-k, batch.*, onnx.*) are the image job's,
        // checked by OnnxModelOptions with the job's messages.
        return Set.of();
    }

    @Override
    public ModelProvider createModelProvider(ModelProviderFactory.Context context) {
        ResolvedCatalogModel catalogModel = context.getCatalogModel();
        String name = context.getObjectIdentifier().asSummaryString();
        ResolvedSchema input = catalogModel.getResolvedInputSchema();
        ResolvedSchema output = catalogModel.getResolvedOutputSchema();
        boolean image = isImageClassifier(input);
        OnnxModelOptions options = OnnxModelOptions.read(catalogModel.getOptions(), image, name);
        RowModel rows =
                image ? ImageClassifierRows.plan(name, options, output) : TensorRows.plan(name, options, input, output);
        return new OnnxModelProvider(rows, options, OnnxModelProvider.sessionMaxConcurrent(context.getConfiguration()));
    }

    /** One BYTES column: encoded images. Otherwise every input column must be a float tensor. */
    private static boolean isImageClassifier(ResolvedSchema input) {
        List<Column> columns = input.getColumns();
        for (Column column : columns) {
            if (ModelColumns.isBytes(ModelColumns.type(column)) && columns.size() != 1) {
                throw new IllegalArgumentException("model input column '" + column.getName()
                        + "' is BYTES beside " + (columns.size() - 1) + " other columns; expected either one BYTES"
                        + " column (an image classifier) or FLOAT and ARRAY<FLOAT> columns (a tensor model)");
            }
        }
        return columns.size() == 1 && ModelColumns.isBytes(ModelColumns.type(columns.get(0)));
    }
}
