package io.inferstream.flink;

import io.inferstream.config.ConfigException;
import io.inferstream.config.Delivery;
import io.inferstream.config.ModelUpdateSettings;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.ModelUpdateRecord;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the Kafka sources and sinks every job uses, from the shared job settings. */
public final class KafkaIO {
    /**
     * Kept under the broker's transaction.max.timeout.ms (15 min by default): Flink's default of
     * one hour makes the producer's initialization fail and the job restart forever.
     */
    public static final long TRANSACTION_TIMEOUT_MS = 10 * 60 * 1000;

    /** A record batch's header and one record's framing, which Kafka counts against max.request.size. */
    static final int RECORD_OVERHEAD_BYTES = 1024;

    private KafkaIO() {}

    /**
     * The input source: a new consumer group starts at the earliest offset so nothing produced
     * before the job came up is skipped; a restored job resumes from its checkpointed offsets.
     */
    public static KafkaSource<KafkaInput> source(StreamJobSettings s) {
        return source(s, new KafkaInputDeserializer());
    }

    /** The input source with its own deserializer (the tick job parses in the source). */
    public static <T> KafkaSource<T> source(StreamJobSettings s, KafkaRecordDeserializationSchema<T> deserializer) {
        return source(s, s.inputTopic, OffsetResetStrategy.EARLIEST, deserializer);
    }

    /**
     * The model updates of the control topic, read by one source instance and broadcast to every
     * inference instance; null when live updates are off. A new job starts at the end of the
     * topic (it serves the configured model); a restored one resumes at its checkpointed offset.
     * The source's uid is {@code <uidPrefix>-model-updates-source}, so jobs can share one graph.
     */
    public static DataStream<ModelUpdateRecord> modelUpdates(
            StreamExecutionEnvironment env, StreamJobSettings s, ModelUpdateSettings updates, String uidPrefix) {
        if (!updates.enabled) {
            return null;
        }
        return env.fromSource(
                        source(s, updates.topic, OffsetResetStrategy.LATEST, new ModelUpdateDeserializer()),
                        WatermarkStrategy.noWatermarks(),
                        "kafka: " + updates.topic)
                .setParallelism(1)
                .uid(uidPrefix + "-model-updates-source");
    }

    private static <T> KafkaSource<T> source(
            StreamJobSettings s,
            String topic,
            OffsetResetStrategy newGroupStart,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setTopics(topic)
                .setGroupId(s.groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(newGroupStart))
                .setDeserializer(deserializer)
                .setProperties(clientProperties(s))
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    /**
     * A sink writing {@code key(record)} and {@code value(record)} to one topic. The Kafka
     * timestamp is the time of writing, not the event time the record carries in its value: an
     * old event time would put predictions under the topic's time retention at once.
     */
    public static <T> KafkaSink<T> sink(
            StreamJobSettings s,
            String topic,
            SerializableFunction<T, byte[]> key,
            SerializableFunction<T, byte[]> value) {
        KafkaRecordSerializationSchema<T> serializer = (element, context, timestamp) ->
                new ProducerRecord<>(topic, null, null, key.apply(element), value.apply(element));
        return KafkaSink.<T>builder()
                .setBootstrapServers(s.bootstrapServers)
                .setKafkaProducerConfig(producerProperties(s))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(
                        s.delivery == Delivery.EXACTLY_ONCE
                                ? DeliveryGuarantee.EXACTLY_ONCE
                                : DeliveryGuarantee.AT_LEAST_ONCE)
                // Unique per job and topic so two jobs on one cluster never fence each other.
                .setTransactionalIdPrefix(s.jobName + "-" + topic)
                .build();
    }

    /**
     * The sinks' producer settings: the user's kafka.properties, the transaction timeout, and
     * requests sized for the largest record. Kafka's own batch.size (16 KiB) stays: 256 KiB halved
     * the producer thread's CPU per forecast on the stage benchmark (BENCHMARKS.md, "Where the
     * tick job's time goes"), but the producer takes a whole batch from buffer.memory (32 MiB) for
     * each partition it has data for, so at 256 KiB about 128 partitions with a batch open fill
     * it and send blocks; a sink also keeps a producer per pending checkpoint. Users who write to
     * few partitions can set kafka.properties.batch.size.
     */
    static Properties producerProperties(StreamJobSettings s) {
        Properties producer = clientProperties(s);
        producer.setProperty("transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT_MS));
        sizeRequests(producer, s.maxRecordBytes);
        return producer;
    }

    /**
     * Makes the producer accept the largest record the job writes (output.max-record-bytes plus
     * Kafka's framing): a record over max.request.size fails the send, the checkpoint and the
     * job, and the restarted job meets the same record again. A larger setting of the user's
     * stands. The topics must accept such records too (their max.message.bytes); the default
     * output.max-record-bytes fits a broker's defaults.
     */
    static void sizeRequests(Properties producer, int maxRecordBytes) {
        long needed = (long) maxRecordBytes + RECORD_OVERHEAD_BYTES;
        long requestSize = Math.max(needed, longProperty(producer, "max.request.size", 1_048_576));
        producer.setProperty("max.request.size", Long.toString(requestSize));
        // The producer also refuses a record larger than its whole buffer.
        if (longProperty(producer, "buffer.memory", 33_554_432) < 2 * requestSize) {
            producer.setProperty("buffer.memory", Long.toString(2 * requestSize));
        }
    }

    private static long longProperty(Properties properties, String key, long defaultValue) {
        String value = properties.getProperty(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ConfigException.of("kafka.properties." + key, value, "a number of bytes");
        }
    }

    /** The user's kafka.properties.* pass-through (security settings and the like). */
    public static Properties clientProperties(StreamJobSettings s) {
        Properties properties = new Properties();
        properties.putAll(s.kafkaProperties);
        return properties;
    }
}
