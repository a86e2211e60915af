package io.inferstream.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.config.ConfigException;
import io.inferstream.config.OutputFormat;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.config.TickJobConfig;
import io.inferstream.input.RejectReason;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.KafkaInput;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeadLetterSizesTest {

    /**
     * The largest dead letter the limits allow, field by field: a key and a value far over their
     * copy bounds, the longest topic name, and the longest error in the characters each format
     * writes largest (control characters in JSON, three-byte ones in Avro).
     */
    @ParameterizedTest
    @CsvSource({"avro,1000000,1024", "json,1000000,1024", "avro,65536,16", "json,65536,1024", "json,20000000,65536"})
    void shouldFitTheWorstDeadLetterInMaxRecordBytes(String format, int maxRecordBytes, int maxKeyBytes) {
        StreamJobSettings s = settings(format, maxRecordBytes, maxKeyBytes);
        int valueCopy = DeadLetterSizes.valueCopyBytes(s);
        KafkaInput input = new KafkaInput(
                "t".repeat(DeadLetterSizes.MAX_TOPIC_CHARS),
                Integer.MIN_VALUE,
                Long.MIN_VALUE,
                Long.MIN_VALUE,
                new byte[maxKeyBytes * 3],
                new byte[valueCopy * 2]);
        char worst = format.equals("json") ? '\u0001' : '\uFFFF';
        String error = String.valueOf(worst).repeat(DeadLetterRecord.MAX_ERROR_CHARS * 2);
        DeadLetterRecord d = DeadLetterRecord.of(
                s.jobName, input, RejectReason.NON_POSITIVE_VALUE.name(), error, s.maxKeyBytes, valueCopy);
        d.failedAt = Long.MIN_VALUE;

        int written = d.key.length + RecordEncoder.encode(d, s.outputFormat).length;

        assertThat(written).isLessThanOrEqualTo(maxRecordBytes);
        // The bound is not wasteful either: the record uses most of what it may.
        assertThat(written).isGreaterThan(maxRecordBytes * 9 / 10);
        assertThat(d.valueLength).isEqualTo(valueCopy * 2);
    }

    @Test
    void shouldRefuseLimitsThatLeaveNoRoomForTheValue() {
        StreamJobSettings s = settings("json", 65_536, 65_536);

        assertThatThrownBy(() -> DeadLetterSizes.valueCopyBytes(s))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.max-record-bytes")
                .hasMessageContaining("65536")
                .hasMessageContaining("limits.max-key-bytes = 65536");
    }

    @Test
    void shouldLeaveLessRoomInJsonThanInAvro() {
        assertThat(DeadLetterSizes.valueCopyBytes(1_000_000, 1024, OutputFormat.JSON, "job"))
                .isLessThan(DeadLetterSizes.valueCopyBytes(1_000_000, 1024, OutputFormat.AVRO, "job") * 3 / 4 + 1);
    }

    private static StreamJobSettings settings(String format, int maxRecordBytes, int maxKeyBytes) {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", "models/sensor-esn.onnx");
        values.put("output.format", format);
        values.put("output.max-record-bytes", Integer.toString(maxRecordBytes));
        values.put("limits.max-key-bytes", Integer.toString(maxKeyBytes));
        values.put("job.name", "tick-forecaster-\u00e9\u00e9");
        return TickJobConfig.from(values).common;
    }
}
