package io.inferstream.sql;

import io.inferstream.avro.ImageEvent;
import io.inferstream.flink.ModelFiles;
import io.inferstream.image.ImageDecoder;
import io.inferstream.image.ImagePreprocessor;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.inference.Scores;
import io.inferstream.input.RejectReason;
import io.inferstream.input.RejectedInputException;
import io.inferstream.input.SingleObjectAvro;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * An image classifier in SQL: one BYTES input column of encoded image bytes (or an Avro
 * ImageEvent), decoded, preprocessed and classified exactly as the image job does, so the same
 * image gets the same label and score. Output columns are picked by name: label, score, top_k,
 * probabilities, model_name, model_version and error.
 */
final class ImageClassifierRows implements RowModel {
    private static final long serialVersionUID = 1L;

    /** The output columns an image classifier fills, by name. */
    enum Output {
        LABEL("STRING"),
        SCORE("FLOAT"),
        TOP_K("ARRAY<ROW<label STRING, score FLOAT>>"),
        PROBABILITIES("ARRAY<FLOAT>"),
        MODEL_NAME("STRING"),
        MODEL_VERSION("STRING"),
        ERROR("STRING");

        final String sqlType;

        Output(String sqlType) {
            this.sqlType = sqlType;
        }

        String columnName() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean fits(LogicalType t) {
            switch (this) {
                case SCORE:
                    return ModelColumns.isFloat(t);
                case TOP_K:
                    return ModelColumns.isLabelScoreArray(t);
                case PROBABILITIES:
                    return ModelColumns.isFloatArray(t);
                default:
                    return ModelColumns.isString(t);
            }
        }
    }

    private final OnnxModelOptions options;
    private final ImageModelSpec plannedSpec;
    private final Output[] outputs;
    private transient OnnxImageClassifier classifier;
    private transient ImageDecoder decoder;
    private transient ImagePreprocessor preprocessor;

    private ImageClassifierRows(OnnxModelOptions options, ImageModelSpec plannedSpec, Output[] outputs) {
        this.options = options;
        this.plannedSpec = plannedSpec;
        this.outputs = outputs;
    }

    /** Checks the model's OUTPUT columns against what an image classifier gives. */
    static ImageClassifierRows plan(String model, OnnxModelOptions options, ResolvedSchema output) {
        // Planned where the statement is, which need not have the GPU the TaskManagers use.
        ImageModelSpec spec = OnnxImageClassifier.inspect(
                ModelFiles.read(options.modelPath), options.image.overrides, options.onnx.onCpu());
        if (spec.numClasses() < options.image.topK) {
            throw new IllegalArgumentException("model " + model + ": output.top-k = '" + options.image.topK
                    + "': expected at most the model's " + spec.numClasses() + " classes");
        }
        Output[] outputs = new Output[output.getColumnCount()];
        for (int i = 0; i < outputs.length; i++) {
            Column column = output.getColumns().get(i);
            outputs[i] = outputOf(model, column);
        }
        return new ImageClassifierRows(options, spec, outputs);
    }

    private static Output outputOf(String model, Column column) {
        for (Output o : Output.values()) {
            if (o.columnName().equalsIgnoreCase(column.getName())) {
                if (!o.fits(ModelColumns.type(column))) {
                    throw new IllegalArgumentException("model " + model + ": output column '" + column.getName()
                            + "' is " + ModelColumns.type(column) + "; expected " + o.sqlType);
                }
                return o;
            }
        }
        List<String> names = new ArrayList<>();
        for (Output o : Output.values()) {
            names.add(o.columnName() + " " + o.sqlType);
        }
        throw new IllegalArgumentException("model " + model + ": output column '" + column.getName()
                + "' is not one an image classifier fills; expected columns among " + names);
    }

    ImageModelSpec spec() {
        return plannedSpec;
    }

    @Override
    public void open() {
        classifier = OnnxImageClassifier.load(
                ModelFiles.read(options.modelPath), options.image.overrides, options.maxBatchSize, options.onnx);
        decoder = new ImageDecoder(options.image.maxPixels);
        preprocessor = new ImagePreprocessor(classifier.spec());
    }

    @Override
    public int maxBatch() {
        return options.maxBatchSize;
    }

    @Override
    public Object prepare(RowData input) throws RejectedInputException {
        byte[] value = input.isNullAt(0) ? null : input.getBinary(0);
        if (value == null || value.length == 0) {
            throw new RejectedInputException(RejectReason.EMPTY_VALUE, "the image column is null or empty");
        }
        if (value.length > options.image.maxBytes) {
            throw new RejectedInputException(
                    RejectReason.VALUE_TOO_LARGE,
                    "value is " + value.length + " bytes; the limit (limits.max-bytes) is " + options.image.maxBytes);
        }
        byte[] imageBytes = value;
        if (SingleObjectAvro.hasMarker(value)) {
            ImageEvent event = SingleObjectAvro.decode(value, ImageEvent.getClassSchema(), ImageEvent.getDecoder());
            ByteBuffer image = event.getImage().duplicate();
            imageBytes = new byte[image.remaining()];
            image.get(imageBytes);
        }
        return preprocessor.toTensor(decoder.decode(imageBytes));
    }

    @Override
    public List<RowData> predict(List<Object> prepared) {
        List<float[]> images = new ArrayList<>(prepared.size());
        for (Object p : prepared) {
            images.add((float[]) p);
        }
        float[][] probabilities = classifier.classify(images);
        ImageModelSpec spec = classifier.spec();
        List<RowData> rows = new ArrayList<>(prepared.size());
        for (float[] row : probabilities) {
            int[] best = Scores.topK(row, options.image.topK);
            GenericRowData out = new GenericRowData(outputs.length);
            for (int c = 0; c < outputs.length; c++) {
                out.setField(c, value(outputs[c], spec, row, best));
            }
            rows.add(out);
        }
        return rows;
    }

    private static Object value(Output output, ImageModelSpec spec, float[] row, int[] best) {
        switch (output) {
            case LABEL:
                return StringData.fromString(spec.labels.get(best[0]));
            case SCORE:
                return row[best[0]];
            case TOP_K:
                Object[] entries = new Object[best.length];
                for (int j = 0; j < best.length; j++) {
                    entries[j] = GenericRowData.of(StringData.fromString(spec.labels.get(best[j])), row[best[j]]);
                }
                return new GenericArrayData(entries);
            case PROBABILITIES:
                return new GenericArrayData(row);
            case MODEL_NAME:
                return StringData.fromString(spec.modelName);
            case MODEL_VERSION:
                return StringData.fromString(spec.modelVersion);
            default:
                return null;
        }
    }

    @Override
    public RowData rejected(RejectedInputException reason) {
        GenericRowData out = new GenericRowData(outputs.length);
        for (int c = 0; c < outputs.length; c++) {
            if (outputs[c] == Output.ERROR) {
                out.setField(c, StringData.fromString(reason.reason() + ": " + reason.getMessage()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (classifier != null) {
            classifier.close();
            classifier = null;
        }
    }
}
