package io.inferstream.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads test topics from their beginning under a fresh consumer group, as the Kafka tests check
 * what a job wrote: until an expected number of records arrived, and, where a repeat must show,
 * on for a while after it.
 */
public final class TopicReader {
    /**
     * How long the exactly-once tests read on once the expected number arrived: a repeated record
     * would have been committed by then, with checkpoints a few hundred milliseconds apart.
     */
    public static final Duration REPEAT_WINDOW = Duration.ofSeconds(3);

    private static final Duration POLL = Duration.ofMillis(200);

    private final Properties properties;
    private Predicate<ConsumerRecord<byte[], byte[]>> counted = record -> true;
    private Consumer<ConsumerRecord<byte[], byte[]>> onEachRecord = record -> {};
    private Runnable beforeEachPoll = () -> {};

    private TopicReader(Properties client, String isolationLevel) {
        properties = new Properties();
        properties.putAll(client);
        properties.put("auto.offset.reset", "earliest");
        properties.put("isolation.level", isolationLevel);
    }

    /** Committed records only: what an exactly-once writer has really published. */
    public static TopicReader committed(Properties client) {
        return new TopicReader(client, "read_committed");
    }

    /**
     * Every record, committed or not, as a consumer with Kafka's default isolation reads it: for
     * topics written without transactions (the command-line producer's, the shipped SQL script's).
     */
    public static TopicReader uncommitted(Properties client) {
        return new TopicReader(client, "read_uncommitted");
    }

    /** Only the records {@code which} accepts count towards the expected number; all are returned. */
    public TopicReader counting(Predicate<ConsumerRecord<byte[], byte[]>> which) {
        counted = which;
        return this;
    }

    /** Called with each record as it arrives, for a test whose job waits on what was read. */
    public TopicReader onEachRecord(Consumer<ConsumerRecord<byte[], byte[]>> action) {
        onEachRecord = action;
        return this;
    }

    /** Called before each poll, to fail at once when what writes the topics stopped. */
    public TopicReader beforeEachPoll(Runnable check) {
        beforeEachPoll = check;
        return this;
    }

    /**
     * Reads {@code topics} until {@code count} counted records arrived or {@code timeout} passed,
     * then on for {@code thenListen} ({@link Duration#ZERO}: not at all; {@link #REPEAT_WINDOW} to
     * see repeats), and returns every record read, in arrival order. Fewer than {@code count} means
     * the time ran out: the caller asserts on the number.
     */
    public List<ConsumerRecord<byte[], byte[]>> read(
            List<String> topics, int count, Duration timeout, Duration thenListen) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        int seen = 0;
        boolean counting = true;
        long end = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = subscribe(topics)) {
            while (System.nanoTime() < end) {
                beforeEachPoll.run();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    onEachRecord.accept(record);
                    records.add(record);
                    seen += counted.test(record) ? 1 : 0;
                }
                if (counting && seen >= count) {
                    counting = false;
                    end = System.nanoTime() + thenListen.toNanos();
                }
            }
        }
        return records;
    }

    /**
     * A consumer subscribed to {@code topics} from their beginning, for a test that reads on in
     * steps as it goes; the caller closes it.
     */
    public KafkaConsumer<byte[], byte[]> subscribe(List<String> topics) {
        Properties fresh = new Properties();
        fresh.putAll(properties);
        // A group of its own each time: a group that committed offsets would resume there.
        fresh.put("group.id", "it-reader-" + System.nanoTime());
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(fresh, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        return consumer;
    }
}
