package io.inferstream.flink;

import io.inferstream.avro.ImageEvent;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.image.ImageDecoder;
import io.inferstream.image.ImagePreprocessor;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.input.EventTimes;
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
 * Turns Kafka records into model-ready image rows: detects raw image bytes or an Avro
 * ImageEvent, reads id and event time, decodes under the size limits and preprocesses. Anything
 * unusable goes to the dead-letter side output with its reason.
 */
public class ImageDecodeFunction extends ProcessFunction<KafkaInput, ImageTask> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS = new OutputTag<>("image-dead-letters") {};

    private final String jobName;
    private final ImageModelSpec spec;
    private final long maxPixels;
    private final int maxBytes;
    private transient ImageDecoder decoder;
    private transient ImagePreprocessor preprocessor;
    private transient DeadLetterMetrics deadLetterMetrics;

    public ImageDecodeFunction(ImageJobConfig config, ImageModelSpec spec) {
        this.jobName = config.common.jobName;
        this.spec = spec;
        this.maxPixels = config.maxPixels;
        this.maxBytes = config.maxBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new ImageDecoder(maxPixels);
        preprocessor = new ImagePreprocessor(spec);
        deadLetterMetrics = new DeadLetterMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(KafkaInput input, Context ctx, Collector<ImageTask> out) {
        try {
            out.collect(toTask(input));
        } catch (RejectedInputException e) {
            deadLetterMetrics.count(e.reason().name());
            ctx.output(DEAD_LETTERS, DeadLetterRecord.of(jobName, input, e));
        }
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
        String id = input.eventIdHeader;
        String source = input.key == null ? null : new String(input.key, StandardCharsets.UTF_8);
        Long eventTime = input.eventTimeHeader == null
                ? null
                : EventTimes.parse(input.eventTimeHeader, KafkaInput.EVENT_TIME_HEADER + " header");
        byte[] imageBytes = value;
        if (SingleObjectAvro.hasMarker(value)) {
            ImageEvent event = SingleObjectAvro.decode(value, ImageEvent.getClassSchema(), ImageEvent.getDecoder());
            id = event.getId() != null ? event.getId() : id;
            source = event.getSource() != null ? event.getSource() : source;
            eventTime = event.getEventTime() != null ? event.getEventTime().toEpochMilli() : eventTime;
            imageBytes = bytes(event.getImage());
        }
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
