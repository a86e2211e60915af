package io.inferstream.flink;

import io.inferstream.input.EventTimeGuard;
import io.inferstream.input.TickMapping;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses ticks in the Kafka source itself, so that watermarks follow each partition's event
 * time; records that do not parse travel on whole, to become dead letters downstream. Event
 * times too far ahead are refused here, before the watermark generator sees them.
 */
public class TickDeserializer implements KafkaRecordDeserializationSchema<TickInput> {
    private static final long serialVersionUID = 1L;

    private final KafkaInputDeserializer records = new KafkaInputDeserializer();
    private final int maxKeyBytes;
    private final long maxFutureMs;
    private final TickMapping mapping;
    /** Not checkpointed, like the watermark generators: a restored reader starts from the wall clock. */
    private transient EventTimeGuard guard;

    /**
     * Ticks whose keys or ids exceed {@code maxKeyBytes} (limits.max-key-bytes), or whose time is
     * more than {@code maxFutureMs} ahead (order.max-future-ms), are refused.
     */
    public TickDeserializer(int maxKeyBytes, long maxFutureMs) {
        this(maxKeyBytes, maxFutureMs, TickMapping.DEFAULT);
    }

    /** As above, for a topic whose records carry key, time and values where {@code mapping} says. */
    public TickDeserializer(int maxKeyBytes, long maxFutureMs, TickMapping mapping) {
        this.maxKeyBytes = maxKeyBytes;
        this.maxFutureMs = maxFutureMs;
        this.mapping = mapping;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<TickInput> out)
            throws java.io.IOException {
        records.deserialize(record, new Collector<KafkaInput>() {
            @Override
            public void collect(KafkaInput input) {
                out.collect(TickInputs.guard(TickInputs.parse(input, maxKeyBytes, mapping), guard()));
            }

            @Override
            public void close() {}
        });
    }

    private EventTimeGuard guard() {
        if (guard == null) {
            guard = new EventTimeGuard(maxFutureMs, System::currentTimeMillis);
        }
        return guard;
    }

    @Override
    public TypeInformation<TickInput> getProducedType() {
        return TypeInformation.of(TickInput.class);
    }
}
