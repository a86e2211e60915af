package io.inferstream.testing;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Tick records as the Kafka tests produce them: a JSON body under the sensor's record key, both
 * UTF-8, and the flush ticks that release the last real ones.
 */
public final class TickRecords {

    private TickRecords() {}

    /** {@code {"ts":timestampMs,"value":value}}, the value as Java prints a double. */
    public static String json(long timestampMs, double value) {
        return String.format(Locale.ROOT, "{\"ts\":%d,\"value\":%s}", timestampMs, value);
    }

    /** Sends {@code body} under {@code key} (null: none) to {@code partition} (null: chosen by key). */
    public static void send(
            KafkaProducer<byte[], byte[]> producer, String topic, Integer partition, String key, String body) {
        producer.send(new ProducerRecord<>(
                topic,
                partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A tick {@code flush-P} at {@code timestampMs} on each of the first {@code partitions}
     * partitions: it moves every partition's watermark past the real ticks before it, and is itself
     * never released while nothing follows it.
     */
    public static void sendFlushTicks(
            KafkaProducer<byte[], byte[]> producer, String topic, int partitions, long timestampMs) {
        for (int p = 0; p < partitions; p++) {
            send(producer, topic, p, "flush-" + p, "{\"ts\":" + timestampMs + ",\"value\":0}");
        }
    }
}
