package io.inferstream.bench;

import io.inferstream.config.StreamJobSettings;
import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.TickDeserializer;
import io.inferstream.records.TickInput;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The input limit: a bare Kafka consumer (no Flink) reading the backlog from its start, with and
 * without parsing each record by the job's own source deserializer ({@link TickDeserializer}),
 * against the job as built over the same backlog; and the deserializer alone over the backlog's
 * records held in memory, which times the parse without Kafka's noise.
 */
final class InputLimitRun {
    private final TickBenchmark bench;
    private final PrintStream out;

    InputLimitRun(TickBenchmark bench) {
        this.bench = bench;
        this.out = bench.out();
    }

    void run(String backlog, String model) throws Exception {
        out.printf("%nInput limit: a bare consumer (one thread, read_committed) over the same backlog%n");
        int ticks = bench.backlogTicks();
        // Held through the job's runs too, as old-generation data their young collections do not copy.
        List<ConsumerRecord<byte[], byte[]>> inMemory = new ArrayList<>(ticks);
        consume(backlog, ticks, inMemory::add);
        List<BenchRuns.TwoRuns> runs = BenchRuns.inTurnTwice(List.of(
                () -> report("bare consumer, fetch only:", consume(backlog, ticks, record -> {}), ""),
                () -> {
                    Parser parser = new Parser(model);
                    Read read = consume(backlog, ticks, parser::parse);
                    return report("bare consumer + TickDeserializer:", read, parser.parsed());
                },
                () -> parseInMemory(inMemory, model),
                () -> bench.backlogThroughput(backlog, model, TickBenchmark.BATCH, true)));
        double limit = runs.get(1).best();
        out.println();
        out.println("| scenario | run 1 ticks/s | run 2 ticks/s | best, % of (i) |");
        out.println("|---|---:|---:|---:|");
        row("(f) bare consumer, fetch only", runs.get(0), limit);
        row("(i) bare consumer + the job's TickDeserializer: the input limit", runs.get(1), limit);
        row("(p) the TickDeserializer alone, the records in memory (no Kafka)", runs.get(2), limit);
        row("(a) job as built, batch " + TickBenchmark.BATCH + ", exactly-once", runs.get(3), limit);
    }

    private void row(String what, BenchRuns.TwoRuns runs, double limit) {
        out.printf("| %s | %.0f | %.0f | %.0f%% |%n", what, runs.first(), runs.second(), 100 * runs.best() / limit);
    }

    /** The job source's deserializer, counting the ticks it parsed. */
    private final class Parser {
        private final TickDeserializer deserializer;
        private int parsed;
        private final Collector<TickInput> sink = new Collector<>() {
            @Override
            public void collect(TickInput tick) {
                if (tick.parsed()) {
                    parsed++;
                }
            }

            @Override
            public void close() {}
        };

        Parser(String model) {
            TickJobConfig defaults =
                    TickJobConfig.from(Map.of("kafka.bootstrap", bench.bootstrap(), "model.path", model));
            deserializer = new TickDeserializer(
                    StreamJobSettings.DEFAULT_MAX_KEY_BYTES, defaults.maxFutureMs, defaults.inputMapping);
        }

        void parse(ConsumerRecord<byte[], byte[]> record) {
            try {
                deserializer.deserialize(record, sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String parsed() {
            return ", " + parsed + " parsed";
        }
    }

    /** Records read, and per second from the first to the last. */
    private record Read(int records, double perSecond) {}

    private double report(String what, Read read, String more) {
        out.printf("  %-44s %8.0f ticks/s (%d records%s)%n", what, read.perSecond(), read.records(), more);
        return read.perSecond();
    }

    /** Each record held in memory through the deserializer, three times over: the best pass, ticks per second. */
    private double parseInMemory(List<ConsumerRecord<byte[], byte[]>> records, String model) {
        double best = 0;
        Parser parser = null;
        for (int pass = 0; pass < 3; pass++) {
            parser = new Parser(model);
            long start = System.nanoTime();
            records.forEach(parser::parse);
            best = Math.max(best, records.size() / ((System.nanoTime() - start) / 1e9));
        }
        return report("TickDeserializer alone, records in memory:", new Read(records.size(), best), parser.parsed());
    }

    /**
     * Reads {@code count} records from the start of every partition, handing each to {@code
     * action}.
     */
    private Read consume(String topic, int count, Consumer<ConsumerRecord<byte[], byte[]>> action) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bench.bootstrap());
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        long first = 0;
        long last = 0;
        int read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + 300_000;
            while (read < count && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (read == 0) {
                        first = System.nanoTime();
                    }
                    action.accept(record);
                    read++;
                }
                last = System.nanoTime();
            }
        }
        return new Read(read, (read - 1) / ((last - first) / 1e9));
    }
}
