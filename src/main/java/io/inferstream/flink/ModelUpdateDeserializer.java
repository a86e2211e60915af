package io.inferstream.flink;

import io.inferstream.input.ModelUpdateParser;
import io.inferstream.records.ModelUpdateRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads the control topic; unreadable records travel on to be refused on the status topic. */
public class ModelUpdateDeserializer implements KafkaRecordDeserializationSchema<ModelUpdateRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelUpdateRecord> out) {
        ModelUpdateRecord update = ModelUpdateParser.parse(record.value());
        if (update.error != null) {
            update.error =
                    update.error + " (" + record.topic() + "-" + record.partition() + "@" + record.offset() + ")";
        }
        out.collect(update);
    }

    @Override
    public TypeInformation<ModelUpdateRecord> getProducedType() {
        return TypeInformation.of(ModelUpdateRecord.class);
    }
}
