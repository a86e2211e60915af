package io.inferstream.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.avro.ModelUpdate;
import io.inferstream.records.ModelUpdateRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class ModelUpdateParserTest {

    private static ModelUpdateRecord json(String text) {
        return ModelUpdateParser.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadJsonWithEitherSpellingOfResetState() {
        ModelUpdateRecord plain = json("{\"job\":\"tick-forecaster\",\"uri\":\"models/v2.onnx\",\"version\":\"2\"}");
        ModelUpdateRecord reset = json("{\"job\":\"j\",\"uri\":\"s3://b/m.onnx\",\"version\":3,\"reset-state\":true}");
        ModelUpdateRecord camel = json("{\"job\":\"j\",\"uri\":\"u\",\"version\":\"v\",\"resetState\":true}");

        assertThat(plain.error).isNull();
        assertThat(plain.job).isEqualTo("tick-forecaster");
        assertThat(plain.uri).isEqualTo("models/v2.onnx");
        assertThat(plain.version).isEqualTo("2");
        assertThat(plain.resetState).isFalse();
        assertThat(reset.version).isEqualTo("3");
        assertThat(reset.resetState).isTrue();
        assertThat(camel.resetState).isTrue();
    }

    @Test
    void shouldReadAvroSingleObjectEncoding() throws Exception {
        ByteBuffer encoded = ModelUpdate.getEncoder()
                .encode(new ModelUpdate("image-classifier", "models/cnn-v4.onnx", "4", true, "r-1"));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        ModelUpdateRecord update = ModelUpdateParser.parse(bytes);

        assertThat(update.error).isNull();
        assertThat(update.job).isEqualTo("image-classifier");
        assertThat(update.uri).isEqualTo("models/cnn-v4.onnx");
        assertThat(update.resetState).isTrue();
    }

    @Test
    void shouldExplainWhatIsWrongInsteadOfThrowing() {
        assertThat(ModelUpdateParser.parse(new byte[0]).error).contains("no value");
        assertThat(json("model v2 please").error).contains("neither JSON nor an Avro ModelUpdate");
        assertThat(json("[1,2]").error).contains("not a JSON object");
        assertThat(json("{\"job\":\"j\",\"uri\":\"u\"}").error).contains("has no \"version\"");
        assertThat(json("{\"job\":\"j\",\"uri\":\" \",\"version\":\"1\"}").error)
                .contains("has no \"uri\"");
        assertThat(json("{\"job\":\"j\",\"uri\":\"u\",\"version\":\"1\",\"reset-state\":\"yes\"}").error)
                .contains("\"reset-state\" is \"yes\"; expected true or false");
        assertThat(json("{\"job\":\"j\",\"uri\":\"a\\tb\",\"version\":\"1\"}").error)
                .contains("\"uri\" contains a control character");
    }

    @Test
    void shouldKeepTheRequestIdAndJobOfAnUpdateItRefuses() {
        ModelUpdateRecord good = json("{\"job\":\"j\",\"uri\":\"u\",\"version\":\"2\",\"request-id\":\"r-1\"}");
        ModelUpdateRecord blank = json("{\"job\":\"j\",\"uri\":\"u\",\"version\":\" \",\"request-id\":\"r-2\"}");

        assertThat(good.error).isNull();
        assertThat(good.requestId).isEqualTo("r-1");
        assertThat(blank.error).contains("model update has no \"version\"");
        assertThat(blank.requestId).isEqualTo("r-2");
        assertThat(blank.job).isEqualTo("j");
    }

    @Test
    void shouldReadTheRequestIdFromAvroAndAvroUpdatesWrittenBeforeIt() throws Exception {
        ByteBuffer encoded = ModelUpdate.getEncoder().encode(new ModelUpdate("j", "u", "4", false, "r-3"));
        byte[] current = new byte[encoded.remaining()];
        encoded.get(current);
        assertThat(ModelUpdateParser.parse(current).requestId).isEqualTo("r-3");

        GenericRecord old = new GenericData.Record(AvroSchemaHistory.MODEL_UPDATE_1);
        old.put("job", "j");
        old.put("uri", "u");
        old.put("version", "5");
        old.put("resetState", true);
        ByteBuffer oldEncoded = new BinaryMessageEncoder<GenericRecord>(
                        GenericData.get(), AvroSchemaHistory.MODEL_UPDATE_1)
                .encode(old);
        byte[] bytes = new byte[oldEncoded.remaining()];
        oldEncoded.get(bytes);

        ModelUpdateRecord update = ModelUpdateParser.parse(bytes);
        assertThat(update.error).isNull();
        assertThat(update.version).isEqualTo("5");
        assertThat(update.resetState).isTrue();
        assertThat(update.requestId).isNull();
    }
}
