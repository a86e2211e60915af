package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.output.RecordEncoder;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.ForecastRecord;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Checks at start-up that the largest prediction a job can write fits output.max-record-bytes,
 * by encoding one: keys and ids at limits.max-key-bytes of characters JSON escapes to six bytes,
 * the model's longest labels or output names, the longest numbers. Inputs with longer keys are
 * refused as KEY_TOO_LARGE, so no prediction at run time is larger.
 */
final class PredictionSizes {
    /** topic-partition-offset, the id of an input that names none: Kafka topic names end at 249 chars. */
    private static final int MAX_COORDINATES_CHARS = 249 + 1 + 10 + 1 + 19;

    private static final double LONGEST_NUMBER = -Double.MIN_NORMAL;

    private PredictionSizes() {}

    static void checkImage(StreamJobSettings s, ImageModelSpec spec, int topK) {
        String[] labels = spec.labels.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .limit(topK)
                .toArray(String[]::new);
        float[] scores = new float[labels.length];
        Arrays.fill(scores, -Float.MIN_NORMAL);
        String source = worstText(s.maxKeyBytes);
        ClassifiedImage worst = new ClassifiedImage(
                worstText(Math.max(s.maxKeyBytes, MAX_COORDINATES_CHARS)),
                source,
                Long.MIN_VALUE,
                spec.modelName,
                spec.modelVersion,
                labels,
                scores,
                Long.MIN_VALUE);
        require(s, "image prediction", s.maxKeyBytes + RecordEncoder.encode(worst, s.outputFormat).length);
    }

    static void checkTick(StreamJobSettings s, RnnCellSpec spec) {
        ForecastRecord worst = new ForecastRecord();
        worst.key = worstText(s.maxKeyBytes);
        worst.id = worstText(Math.max(s.maxKeyBytes, MAX_COORDINATES_CHARS));
        worst.eventTime = Long.MIN_VALUE;
        worst.step = Long.MIN_VALUE;
        worst.inputs = new double[spec.features];
        Arrays.fill(worst.inputs, LONGEST_NUMBER);
        worst.outputNames = spec.outputNames.toArray(String[]::new);
        worst.outputs = new double[worst.outputNames.length];
        Arrays.fill(worst.outputs, LONGEST_NUMBER);
        worst.model = spec.modelName;
        worst.modelVersion = spec.modelVersion;
        worst.predictedAt = Long.MIN_VALUE;
        require(s, "tick prediction", s.maxKeyBytes + RecordEncoder.encode(worst, s.outputFormat).length);
    }

    private static void require(StreamJobSettings s, String what, long bytes) {
        if (bytes > s.maxRecordBytes) {
            throw ConfigException.of(
                    "output.max-record-bytes",
                    s.maxRecordBytes,
                    "at least " + bytes + ", the largest "
                            + s.outputFormat.name().toLowerCase() + " " + what
                            + " with limits.max-key-bytes = " + s.maxKeyBytes
                            + " (or a smaller limits.max-key-bytes)");
        }
    }

    /** As many chars as a key may have bytes, each one JSON writes as six bytes (\\u0001). */
    private static String worstText(int chars) {
        return new String(new char[chars]).replace('\0', '\u0001');
    }
}
