package io.inferstream.cli;

import io.inferstream.avro.TickPrediction;
import io.inferstream.output.RecordDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a topic's records as readable lines, whatever their format. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Print the records of a prediction or dead-letter topic as readable lines.")
public final class TailCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "Topic to read.")
    String topic;

    @Option(names = "--from-end", description = "Only records written from now on.")
    boolean fromEnd;

    @Option(names = "--max", defaultValue = "0", description = "Stop after this many records (0: never).")
    long max;

    @Option(
            names = "--idle-timeout-s",
            defaultValue = "0",
            description = "Stop after this many seconds without a record (0: never).")
    long idleTimeoutSeconds;

    @Override
    public Integer call() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        long printed = 0;
        long lastRecord = System.currentTimeMillis();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toList());
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist on " + bootstrap);
            }
            consumer.assign(partitions);
            if (fromEnd) {
                consumer.seekToEnd(partitions);
            } else {
                consumer.seekToBeginning(partitions);
            }
            while (max == 0 || printed < max) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    System.out.println(line(record));
                    lastRecord = System.currentTimeMillis();
                    if (++printed == max) {
                        break;
                    }
                }
                if (idleTimeoutSeconds > 0 && System.currentTimeMillis() - lastRecord > idleTimeoutSeconds * 1000) {
                    break;
                }
            }
        }
        return 0;
    }

    static String line(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? "-" : new String(record.key(), StandardCharsets.UTF_8);
        // A forecast reads better as a line than as its Avro record with every map and list spelled out.
        String value = RecordDecoder.decodeAvro(record.value()) instanceof TickPrediction p
                ? ForecastText.of(p)
                : RecordDecoder.describe(record.value());
        return record.partition() + ":" + record.offset() + " " + key + " " + value;
    }
}
