package io.inferstream.flink;

import io.inferstream.records.KafkaInput;
import java.nio.charset.StandardCharsets;

/**
 * Inputs of {@link ImageClassification} from a user's own image bytes (PNG, JPEG, BMP, GIF, or an
 * Avro ImageEvent), for a source other than Kafka. A refused image's dead letter carries the bytes,
 * the source as its key, and {@link TickInputs#OWN_SOURCE} with -1 as its topic, partition and offset.
 */
public final class ImageInputs {

    private ImageInputs() {}

    /**
     * An image to classify: {@code id} and {@code source} travel to its prediction, {@code
     * eventTimeMs} is its event time. Nothing is checked here: an image that cannot be decoded or
     * is too large becomes a dead letter with its reason.
     */
    public static KafkaInput of(String id, String source, long eventTimeMs, byte[] encodedImage) {
        KafkaInput input = new KafkaInput(
                TickInputs.OWN_SOURCE,
                -1,
                -1,
                eventTimeMs,
                source == null ? null : source.getBytes(StandardCharsets.UTF_8),
                encodedImage);
        input.eventIdHeader = id;
        return input;
    }
}
