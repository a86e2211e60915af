package io.inferstream.bench;

import io.inferstream.avro.ImagePrediction;
import io.inferstream.output.RecordDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads committed predictions from a topic until a count is reached, noting for each when it
 * became visible to a consumer; the raw material of throughput and latency figures.
 */
final class OutputWatcher {

    /** One prediction as a consumer saw it. */
    static final class Seen {
        final long eventTime;
        final long predictedAt;
        final long receivedAt;

        Seen(long eventTime, long predictedAt, long receivedAt) {
            this.eventTime = eventTime;
            this.predictedAt = predictedAt;
            this.receivedAt = receivedAt;
        }
    }

    private OutputWatcher() {}

    /** Waits for {@code count} predictions (or the timeout) and returns what arrived. */
    static List<Seen> await(String bootstrap, String topic, int count, Duration timeout) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "bench-watcher-" + topic);
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        List<Seen> seen = new ArrayList<>(count);
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (seen.size() < count && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    SpecificRecord value = RecordDecoder.decodeAvro(record.value());
                    if (value instanceof ImagePrediction) {
                        ImagePrediction p = (ImagePrediction) value;
                        seen.add(new Seen(
                                p.getEventTime().toEpochMilli(),
                                p.getPredictedAt().toEpochMilli(),
                                now));
                    }
                }
            }
        }
        return seen;
    }

    /** Predictions per second between the first and the last prediction made. */
    static double throughput(List<Seen> seen) {
        long first = seen.stream().mapToLong(s -> s.predictedAt).min().orElse(0);
        long last = seen.stream().mapToLong(s -> s.predictedAt).max().orElse(0);
        return last == first ? Double.NaN : (seen.size() - 1) * 1000.0 / (last - first);
    }

    /** The given percentile of event time to visibility, in milliseconds. */
    static long latencyPercentile(List<Seen> seen, double percentile) {
        long[] latencies = seen.stream()
                .mapToLong(s -> s.receivedAt - s.eventTime)
                .sorted()
                .toArray();
        if (latencies.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(percentile / 100.0 * latencies.length) - 1;
        return latencies[Math.max(0, Math.min(latencies.length - 1, index))];
    }
}
