package io.inferstream.flink;

import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses ticks in the Kafka source itself, so that watermarks follow each partition's event
 * time; records that do not parse travel on whole, to become dead letters downstream.
 */
public class TickDeserializer implements KafkaRecordDeserializationSchema<TickInput> {
    private static final long serialVersionUID = 1L;

    private final KafkaInputDeserializer records = new KafkaInputDeserializer();
    private final int maxKeyBytes;

    /** Ticks whose keys or ids exceed {@code maxKeyBytes} (limits.max-key-bytes) are refused. */
    public TickDeserializer(int maxKeyBytes) {
        this.maxKeyBytes = maxKeyBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<TickInput> out)
            throws java.io.IOException {
        records.deserialize(record, new Collector<KafkaInput>() {
            @Override
            public void collect(KafkaInput input) {
                out.collect(TickInputs.parse(input, maxKeyBytes));
            }

            @Override
            public void close() {}
        });
    }

    @Override
    public TypeInformation<TickInput> getProducedType() {
        return TypeInformation.of(TickInput.class);
    }
}
