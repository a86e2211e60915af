package io.inferstream.flink;

import io.inferstream.records.KafkaInput;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Keeps every Kafka record whole (bytes, coordinates, the event headers): parsing happens later,
 * where a failure can become a dead letter instead of a failed job.
 */
public class KafkaInputDeserializer implements KafkaRecordDeserializationSchema<KafkaInput> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaInput> out) {
        KafkaInput input = new KafkaInput(
                record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(), record.value());
        input.eventIdHeader = header(record, KafkaInput.EVENT_ID_HEADER);
        input.eventTimeHeader = header(record, KafkaInput.EVENT_TIME_HEADER);
        out.collect(input);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public TypeInformation<KafkaInput> getProducedType() {
        return TypeInformation.of(KafkaInput.class);
    }
}
