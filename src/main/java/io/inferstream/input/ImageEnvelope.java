package io.inferstream.input;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.Base64;

/**
 * A JSON envelope around an image, as camera pipelines send it
 * ({@code {"camera":"c1","ts":"...","jpeg":"<base64>"}}): {@code input.image-field} names the
 * base64 bytes, {@code input.source-field} and {@code input.time-field} the source and event
 * time. Only values that start with '{' are read so: raw image bytes never do, and keep working.
 */
public final class ImageEnvelope implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code input.source-field} value: the source is the Kafka record key (as without a mapping). */
    public static final String KAFKA_KEY = TickMapping.KAFKA_KEY;
    /** {@code input.time-field} value: the event time is the Kafka record timestamp (or the event-time header). */
    public static final String KAFKA_TIMESTAMP = TickMapping.KAFKA_TIMESTAMP;

    /** No envelope: raw image bytes and the Avro ImageEvent only. */
    public static final ImageEnvelope NONE = new ImageEnvelope(null, null, null, TimeFormat.AUTO);

    private final String imageField;
    private final String sourceField;
    private final String timeField;
    private final TimeFormat timeFormat;

    private transient JsonPointer imagePath;
    private transient JsonPointer sourcePath;
    private transient JsonPointer timePath;

    /** What an envelope held; a null source or time means "as without an envelope". */
    public static final class Opened {
        public final byte[] image;
        public final String source;
        public final Long eventTime;

        Opened(byte[] image, String source, Long eventTime) {
            this.image = image;
            this.source = source;
            this.eventTime = eventTime;
        }
    }

    /** Paths are checked here, so a malformed one fails at start-up (IllegalArgumentException). */
    public ImageEnvelope(String imageField, String sourceField, String timeField, TimeFormat timeFormat) {
        this.imageField = imageField;
        this.sourceField = sourceField;
        this.timeField = timeField;
        this.timeFormat = timeFormat;
        compile();
    }

    private void compile() {
        imagePath = imageField == null ? null : FieldPaths.compile(imageField);
        sourcePath = sourceField == null || sourceField.equals(KAFKA_KEY) ? null : FieldPaths.compile(sourceField);
        timePath = timeField == null || timeField.equals(KAFKA_TIMESTAMP) ? null : FieldPaths.compile(timeField);
    }

    /** Whether this value is read as an envelope: a field is configured and the value is a JSON object. */
    public boolean appliesTo(byte[] value) {
        if (imageField == null) {
            return false;
        }
        for (byte b : value) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '{';
            }
        }
        return false;
    }

    /** Reads the envelope; a missing field or one of the wrong type is refused naming its path. */
    public Opened open(byte[] value) throws RejectedInputException {
        if (imagePath == null) {
            compile();
        }
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (Exception e) {
            throw new RejectedInputException(
                    RejectReason.UNDECODABLE_IMAGE, "starts like a JSON envelope but is not JSON: " + firstLine(e));
        }
        JsonNode image = FieldPaths.require(node, imagePath);
        if (!image.isTextual()) {
            throw FieldPaths.wrongType(imageField, image.getNodeType().toString(), "base64 text");
        }
        String source = sourcePath == null ? null : FieldPaths.text(FieldPaths.require(node, sourcePath), sourceField);
        Long time = timePath == null ? null : timeFormat.toEpochMillis(FieldPaths.require(node, timePath), timeField);
        return new Opened(base64(image.asText()), source, time);
    }

    private byte[] base64(String text) throws RejectedInputException {
        // Browsers and some cameras send data URLs: data:image/jpeg;base64,....
        String body = text.startsWith("data:") && text.contains(";base64,")
                ? text.substring(text.indexOf(";base64,") + ";base64,".length())
                : text;
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw FieldPaths.wrongType(
                        imageField, body.length() + " chars", "base64 image bytes (" + notStandard.getMessage() + ")");
            }
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
