package io.inferstream.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.ModelUpdate;
import io.inferstream.records.ModelUpdateRecord;
import java.nio.charset.StandardCharsets;

/**
 * Reads a control-topic record: JSON {@code {"job":"tick-forecaster","uri":"models/v2.onnx",
 * "version":"2","reset-state":false,"request-id":"..."}} or an Avro {@code ModelUpdate} in
 * single-object encoding. It never throws: a record that is not a usable update comes back with
 * the reason in {@link ModelUpdateRecord#error}, and with its job and request id where it had
 * them, so its sender can still match the refusal.
 */
public final class ModelUpdateParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String EXAMPLE = "{\"job\":\"tick-forecaster\",\"uri\":\"models/v2.onnx\",\"version\":\"2\"}";

    private ModelUpdateParser() {}

    public static ModelUpdateRecord parse(byte[] value) {
        ModelUpdateRecord update;
        try {
            update = read(value);
        } catch (RejectedInputException e) {
            return ModelUpdateRecord.unreadable(e.getMessage());
        }
        try {
            check("job", update.job);
            check("uri", update.uri);
            check("version", update.version);
            return update;
        } catch (RejectedInputException e) {
            ModelUpdateRecord refused = ModelUpdateRecord.unreadable(e.getMessage());
            refused.job = blankToNull(update.job);
            refused.requestId = update.requestId;
            return refused;
        }
    }

    private static ModelUpdateRecord read(byte[] value) throws RejectedInputException {
        if (value == null || value.length == 0) {
            throw new RejectedInputException(RejectReason.EMPTY_VALUE, "the control record has no value");
        }
        if (SingleObjectAvro.hasMarker(value)) {
            ModelUpdate u =
                    AvroSchemaHistory.decode(value, ModelUpdate.getClassSchema(), AvroSchemaHistory.MODEL_UPDATES);
            return new ModelUpdateRecord(u.getJob(), u.getUri(), u.getVersion(), u.getResetState())
                    .withRequestId(blankToNull(u.getRequestId()));
        }
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (Exception e) {
            String text = new String(value, 0, Math.min(value.length, 80), StandardCharsets.UTF_8);
            throw new RejectedInputException(
                    RejectReason.BAD_AVRO,
                    "control record '" + text + "' is neither JSON nor an Avro ModelUpdate; expected " + EXAMPLE);
        }
        if (node == null || !node.isObject()) {
            throw new RejectedInputException(
                    RejectReason.BAD_AVRO, "control record is not a JSON object; expected " + EXAMPLE);
        }
        JsonNode reset = first(node, "reset-state", "resetState", "reset_state");
        if (reset != null && !reset.isBoolean()) {
            throw new RejectedInputException(
                    RejectReason.BAD_AVRO, "\"reset-state\" is " + reset + "; expected true or false");
        }
        JsonNode requestId = first(node, "request-id", "requestId", "request_id");
        return new ModelUpdateRecord(
                        text(node, "job"), text(node, "uri"), text(node, "version"), reset != null && reset.asBoolean())
                .withRequestId(
                        requestId == null || requestId.isContainerNode() ? null : blankToNull(requestId.asText()));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static JsonNode first(JsonNode node, String... names) {
        for (String name : names) {
            if (node.hasNonNull(name)) {
                return node.get(name);
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    private static void check(String field, String value) throws RejectedInputException {
        if (value == null || value.isBlank()) {
            throw new RejectedInputException(
                    RejectReason.BAD_AVRO, "model update has no \"" + field + "\"; expected " + EXAMPLE);
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new RejectedInputException(
                        RejectReason.BAD_AVRO,
                        "model update \"" + field + "\" contains a control character; expected plain text");
            }
        }
    }
}
