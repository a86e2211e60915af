package io.inferstream.input;

import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.ModelStatus;
import io.inferstream.avro.ModelUpdate;
import io.inferstream.avro.TickPrediction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Schemas of records Inferstream wrote before a field was added, and decoders that read them
 * into today's classes: single-object encoding names the writer's schema by fingerprint, so a
 * record an older release left on a topic would otherwise be an unknown schema.
 */
public final class AvroSchemaHistory {
    /** ModelUpdate and ModelStatus before requestId. */
    public static final Schema MODEL_UPDATE_1 = load("ModelUpdate-1.avsc");

    public static final Schema MODEL_STATUS_1 = load("ModelStatus-1.avsc");

    /** DeadLetter before keyLength, keySha256, valueLength and valueSha256. */
    public static final Schema DEAD_LETTER_1 = load("DeadLetter-1.avsc");

    /** TickPrediction before lower, upper, horizon, anomalyScore and anomaly. */
    public static final Schema TICK_PREDICTION_1 = load("TickPrediction-1.avsc");

    public static final BinaryMessageDecoder<ModelUpdate> MODEL_UPDATES = ModelUpdate.createDecoder(null);
    public static final BinaryMessageDecoder<ModelStatus> MODEL_STATUSES = ModelStatus.createDecoder(null);
    public static final BinaryMessageDecoder<DeadLetter> DEAD_LETTERS = DeadLetter.createDecoder(null);
    public static final BinaryMessageDecoder<TickPrediction> TICK_PREDICTIONS = TickPrediction.createDecoder(null);

    static {
        MODEL_UPDATES.addSchema(MODEL_UPDATE_1);
        MODEL_STATUSES.addSchema(MODEL_STATUS_1);
        DEAD_LETTERS.addSchema(DEAD_LETTER_1);
        TICK_PREDICTIONS.addSchema(TICK_PREDICTION_1);
    }

    private AvroSchemaHistory() {}

    /** The earlier schemas of a record, newest first. */
    public static List<Schema> earlier(Schema current) {
        if (current.getFullName().equals(ModelUpdate.getClassSchema().getFullName())) {
            return List.of(MODEL_UPDATE_1);
        }
        if (current.getFullName().equals(ModelStatus.getClassSchema().getFullName())) {
            return List.of(MODEL_STATUS_1);
        }
        if (current.getFullName().equals(DeadLetter.getClassSchema().getFullName())) {
            return List.of(DEAD_LETTER_1);
        }
        if (current.getFullName().equals(TickPrediction.getClassSchema().getFullName())) {
            return List.of(TICK_PREDICTION_1);
        }
        return List.of();
    }

    /**
     * Decodes a value written with {@code current} or one of its earlier schemas; an unknown
     * fingerprint is refused naming the current schema.
     */
    public static <T> T decode(byte[] value, Schema current, BinaryMessageDecoder<T> decoder)
            throws RejectedInputException {
        try {
            return SingleObjectAvro.decode(value, current, decoder);
        } catch (RejectedInputException unknown) {
            if (unknown.reason() != RejectReason.UNKNOWN_SCHEMA) {
                throw unknown;
            }
            for (Schema earlier : earlier(current)) {
                try {
                    return SingleObjectAvro.decode(value, earlier, decoder);
                } catch (RejectedInputException e) {
                    if (e.reason() != RejectReason.UNKNOWN_SCHEMA) {
                        throw e;
                    }
                }
            }
            throw unknown;
        }
    }

    private static Schema load(String file) {
        try (InputStream in = AvroSchemaHistory.class.getResourceAsStream("/io/inferstream/avro/earlier/" + file)) {
            if (in == null) {
                throw new IllegalStateException("schema " + file + " is missing from the class path");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
