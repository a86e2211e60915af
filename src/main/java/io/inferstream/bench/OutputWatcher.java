package io.inferstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.ImagePrediction;
import io.inferstream.avro.ModelStatus;
import io.inferstream.avro.TickPrediction;
import io.inferstream.output.RecordDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a job's committed predictions and dead letters until a count is reached, noting for each
 * prediction when it became visible to a consumer; the raw material of throughput and latency
 * figures.
 */
final class OutputWatcher {

    /** One prediction as a consumer saw it. */
    static final class Seen {
        final long eventTime;
        final long predictedAt;
        final long receivedAt;
        final String modelVersion;

        Seen(long eventTime, long predictedAt, long receivedAt, String modelVersion) {
            this.eventTime = eventTime;
            this.predictedAt = predictedAt;
            this.receivedAt = receivedAt;
            this.modelVersion = modelVersion;
        }
    }

    private record Received(byte[] value, long receivedAt) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputWatcher() {}

    /** What a job wrote: its predictions, and its dead letters counted by reason. */
    record Outcome(List<Seen> predictions, Map<String, Integer> deadLetters) {
        /** "N predictions", with the dead letters and the count expected when they fall short. */
        String describe(int expected) {
            String text = predictions.size() + " predictions";
            if (!deadLetters.isEmpty()) {
                text += ", dead letters " + deadLetters;
            }
            return complete(expected) ? text : text + "; timed out at " + records() + " of " + expected + " records";
        }

        /** Whether every expected record came out, as a prediction or a dead letter. */
        boolean complete(int expected) {
            return records() >= expected;
        }

        private int records() {
            return predictions.size()
                    + deadLetters.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Waits until {@code count} records have arrived on the topics together (a job's output and
     * dead-letter topics), or the timeout. Records are decoded only once all have arrived, so
     * that decoding takes no CPU from the job being measured.
     */
    static Outcome await(String bootstrap, List<String> topics, int count, Duration timeout) {
        List<Received> received = new ArrayList<>(count);
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, topics)) {
            while (received.size() < count && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    received.add(new Received(record.value(), System.currentTimeMillis()));
                }
            }
        }
        List<Seen> seen = new ArrayList<>(received.size());
        Map<String, Integer> deadLetters = new TreeMap<>();
        for (Received r : received) {
            if (r.value().length > 0 && r.value()[0] == '{') {
                // JSON lines: what the SQL job writes (and the tick job with output.format json).
                Seen s = decodeJson(r.value(), r.receivedAt());
                if (s != null) {
                    seen.add(s);
                }
                continue;
            }
            SpecificRecord value = RecordDecoder.decodeAvro(r.value());
            if (value instanceof DeadLetter d) {
                deadLetters.merge(d.getReason(), 1, Integer::sum);
            } else {
                Seen s = decode(value, r.receivedAt());
                if (s != null) {
                    seen.add(s);
                }
            }
        }
        return new Outcome(seen, deadLetters);
    }

    /**
     * How many records a consumer saw, when it saw the first and the last (epoch ms), and the CPU
     * time its thread spent reading them: the watcher shares the JVM and cores with the job.
     */
    record Count(int records, int onLastTopic, long firstMs, long lastMs, long watcherCpuMs) {
        /** Records per second between the first and the last seen. */
        double perSecond() {
            return lastMs == firstMs ? Double.NaN : (records - 1) * 1000.0 / (lastMs - firstMs);
        }
    }

    /**
     * Counts records on the topics together until {@code count} have arrived or the timeout,
     * keeping nothing of them and decoding none: for runs of tens of millions of records, where
     * {@link #await} would hold every value. Records on the last topic (the dead letters) are
     * counted apart.
     */
    static Count count(String bootstrap, List<String> topics, int count, Duration timeout) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        int records = 0;
        int onLast = 0;
        long first = 0;
        long last = 0;
        String lastTopic = topics.get(topics.size() - 1);
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, topics)) {
            while (records < count && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    last = System.currentTimeMillis();
                    if (records++ == 0) {
                        first = last;
                    }
                    if (record.topic().equals(lastTopic)) {
                        onLast++;
                    }
                }
            }
        }
        return new Count(records, onLast, first, last, (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000);
    }

    /** Every model status committed to {@code topic} so far (reads until 2 s pass without one). */
    static List<ModelStatus> modelStatuses(String bootstrap, String topic) {
        List<ModelStatus> statuses = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, List.of(topic))) {
            long quietUntil = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < quietUntil) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (RecordDecoder.decodeAvro(record.value()) instanceof ModelStatus s) {
                        statuses.add(s);
                        quietUntil = System.currentTimeMillis() + 2_000;
                    }
                }
            }
        }
        return statuses;
    }

    /** A read_committed consumer of whole topics, from their start. */
    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, List<String> topics) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "bench-watcher-" + topics.get(0));
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        return consumer;
    }

    private static Seen decode(SpecificRecord value, long receivedAt) {
        if (value instanceof ImagePrediction p) {
            return new Seen(
                    p.getEventTime().toEpochMilli(),
                    p.getPredictedAt().toEpochMilli(),
                    receivedAt,
                    p.getModelVersion());
        }
        if (value instanceof TickPrediction p) {
            return new Seen(
                    p.getEventTime().toEpochMilli(),
                    p.getPredictedAt().toEpochMilli(),
                    receivedAt,
                    p.getModelVersion());
        }
        return null;
    }

    /** A JSON forecast or classification with eventTime and predictedAt in epoch millis; null for anything else. */
    private static Seen decodeJson(byte[] value, long receivedAt) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node.hasNonNull("predictedAt") && node.hasNonNull("eventTime")) {
                return new Seen(
                        node.get("eventTime").asLong(),
                        node.get("predictedAt").asLong(),
                        receivedAt,
                        node.path("modelVersion").asText());
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("a benchmark output record is not JSON: " + e.getMessage(), e);
        }
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
