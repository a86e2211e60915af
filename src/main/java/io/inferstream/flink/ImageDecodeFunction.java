package io.inferstream.flink;

import io.inferstream.avro.ImageEvent;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.image.ImageDecoder;
import io.inferstream.image.ImagePreprocessor;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.input.EventTimes;
import io.inferstream.input.ImageEnvelope;
import io.inferstream.input.KeySizes;
import io.inferstream.input.RejectReason;
import io.inferstream.input.RejectedInputException;
import io.inferstream.input.SingleObjectAvro;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ImageTask;
import io.inferstream.records.KafkaInput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns Kafka records into model-ready image rows: detects raw image bytes, an Avro ImageEvent
 * or a configured JSON envelope with base64 bytes ({@link ImageEnvelope}), reads id and event time, decodes under the size limits and preprocesses. Anything
 * unusable goes to the dead-letter side output with its reason.
 */
public class ImageDecodeFunction extends ProcessFunction<KafkaInput, ImageTask> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS = new OutputTag<>("image-dead-letters") {};

    private final DeadLetters deadLetters;
    private final ImageModelSpec spec;
    private final long maxPixels;
    private final int maxBytes;
    private final int maxKeyBytes;
    private final ImageEnvelope envelope;
    private transient ImageDecoder decoder;
    private transient ImagePreprocessor preprocessor;
    private transient DeadLetterMetrics deadLetterMetrics;

    public ImageDecodeFunction(ImageJobConfig config, ImageModelSpec spec) {
        this.deadLetters = new DeadLetters(config.common);
        this.spec = spec;
        this.maxPixels = config.maxPixels;
        this.maxBytes = config.maxBytes;
        this.maxKeyBytes = config.common.maxKeyBytes;
        this.envelope = config.envelope;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new ImageDecoder(maxPixels);
        preprocessor = new ImagePreprocessor(spec);
        deadLetterMetrics = new DeadLetterMetrics(getRuntimeContext().getMetricGroup());
    }

    /**
     * Everything here concerns one record, so any failure, foreseen or not, rejects that record
     * alone: a RuntimeException (a decoder bug, an image that trips ImageIO) becomes an
     * INTERNAL_ERROR dead letter rather than a restart that would meet the same record again.
     * Errors are not caught: the size limits keep OutOfMemoryError from happening here.
     */
    @Override
    public void processElement(KafkaInput input, Context ctx, Collector<ImageTask> out) {
        ImageTask task;
        try {
            task = toTask(input);
        } catch (RejectedInputException e) {
            reject(input, ctx, e);
            return;
        } catch (RuntimeException e) {
            reject(input, ctx, RejectedInputException.internalError("decoding the image", e));
            return;
        }
        out.collect(task);
    }

    private void reject(KafkaInput input, Context ctx, RejectedInputException e) {
        deadLetterMetrics.count(e.reason().name());
        ctx.output(DEAD_LETTERS, deadLetters.of(input, e));
    }

    ImageTask toTask(KafkaInput input) throws RejectedInputException {
        byte[] value = input.value;
        if (value == null || value.length == 0) {
            throw new RejectedInputException(RejectReason.EMPTY_VALUE, "the record has no value");
        }
        if (value.length > maxBytes) {
            throw new RejectedInputException(
                    RejectReason.VALUE_TOO_LARGE,
                    "value is " + value.length + " bytes; the limit (limits.max-bytes) is " + maxBytes);
        }
        KeySizes.check(input.key, "the record key", maxKeyBytes);
        String id = input.eventIdHeader;
        String source = input.key == null ? null : new String(input.key, StandardCharsets.UTF_8);
        Long eventTime = input.eventTimeHeader == null
                ? null
                : EventTimes.parse(input.eventTimeHeader, KafkaInput.EVENT_TIME_HEADER + " header");
        byte[] imageBytes = value;
        if (SingleObjectAvro.hasMarker(value)) {
            ImageEvent event = SingleObjectAvro.decode(value, ImageEvent.getClassSchema(), ImageEvent.getDecoder());
            if (event.getId() != null) {
                id = event.getId();
            }
            if (event.getSource() != null) {
                source = event.getSource();
            }
            // Not a conditional expression: its long branch would unbox a null Long (the schema's
            // default eventTime, without an event-time header) and throw.
            if (event.getEventTime() != null) {
                eventTime = event.getEventTime().toEpochMilli();
            }
            imageBytes = bytes(event.getImage());
        } else if (envelope.appliesTo(value)) {
            ImageEnvelope.Opened opened = envelope.open(value);
            imageBytes = opened.image;
            if (opened.source != null) {
                source = opened.source;
            }
            if (opened.eventTime != null) {
                eventTime = opened.eventTime;
            }
        }
        KeySizes.check(id, "the event id", maxKeyBytes);
        KeySizes.check(source, "the image source", maxKeyBytes);
        float[] pixels = preprocessor.toTensor(decoder.decode(imageBytes));
        return new ImageTask(
                id != null ? id : input.coordinates(), source, eventTime != null ? eventTime : input.timestamp, pixels);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
