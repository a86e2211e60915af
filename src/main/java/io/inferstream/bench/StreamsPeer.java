package io.inferstream.bench;

import io.inferstream.config.OutputFormat;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.flink.TickInputs;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.output.RecordEncoder;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.ForecastRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The tick forecaster as a Kafka user would write it without Inferstream: a Kafka Streams
 * application (exactly_once_v2) whose RocksDB key-value store holds each key's hidden state,
 * stepping the same ONNX cell with the job's own parser and output encoding. Tooling only: it
 * runs in a JVM of its own ({@link StreamsPeerProcess}), since its RocksDB and Flink's share the
 * {@code org.rocksdb} package.
 *
 * <p>Mode {@code per-record} steps one key per ONNX call as each record arrives. Mode
 * {@code batched} keeps arrived ticks in a second, changelogged store and steps them every
 * {@value #PUNCTUATE_MS} ms in batches across keys from a wall-clock punctuator: Kafka Streams
 * has no hook before its commit, so ticks held only in memory would have their offsets committed
 * before they are forecast, and a crash would lose them.
 */
public final class StreamsPeer {
    /** The store of each key's hidden state. */
    static final String STATE_STORE = "hidden-state";
    /** The store of ticks arrived and not yet stepped (mode batched), keyed by input offset. */
    static final String PENDING_STORE = "pending-ticks";

    static final int BATCH = TickBenchmark.BATCH;
    static final long PUNCTUATE_MS = 20;
    /** Suffix of the warm-up instance's application id and output topics. */
    static final String WARM_UP = "-warm-up";

    private StreamsPeer() {}

    /** How the peer calls the cell. */
    enum Mode {
        PER_RECORD,
        BATCHED;

        static Mode of(String name) {
            return switch (name) {
                case "per-record" -> PER_RECORD;
                case "batched" -> BATCHED;
                default ->
                    throw new IllegalArgumentException("peer mode '" + name + "': expected per-record or batched");
            };
        }
    }

    /** Forecasts emitted in this JVM, by any instance: how the warm-up instance knows it is done. */
    private static final AtomicLong EMITTED = new AtomicLong();

    /**
     * Runs until terminated. Arguments: bootstrap servers, application id, input topic, output
     * topic (dead letters go to output.dlq), ONNX model, mode (per-record or batched), state
     * folder, and optionally a warm-up count: first an instance of its own (application id and
     * output topic with suffix {@code -warm-up}, topics made beforehand) forecasts that many
     * ticks and stops, so that the measured instance runs on compiled code, as the Flink job
     * does after the benchmark's warm-up run.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 7 && args.length != 8) {
            throw new IllegalArgumentException("expected 7 or 8 arguments: bootstrap application-id input output model"
                    + " mode state-dir [warm-up-count]; got " + args.length);
        }
        Mode mode = Mode.of(args[5]);
        long warmUp = args.length == 8 ? Long.parseLong(args[7]) : 0;
        if (warmUp > 0) {
            try (KafkaStreams warming = new KafkaStreams(
                    topology(args[2], args[3] + WARM_UP, Path.of(args[4]), mode),
                    properties(args[0], args[1] + WARM_UP, Path.of(args[6], "warm-up")))) {
                warming.start();
                while (EMITTED.get() < warmUp && warming.state().isRunningOrRebalancing()) {
                    Thread.sleep(50);
                }
            }
        }
        Properties props = properties(args[0], args[1], Path.of(args[6]));
        Topology topology = topology(args[2], args[3], Path.of(args[4]), mode);
        CountDownLatch stopped = new CountDownLatch(1);
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            stopped.countDown();
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }));
        streams.start();
        stopped.await();
    }

    /** One stream thread (parallelism 1, as the Flink job it is compared with), exactly_once_v2. */
    static Properties properties(String bootstrap, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put("auto.offset.reset", "earliest");
        return props;
    }

    /** Input (bytes) to forecasts (Avro, keyed by series) and dead letters, through the hidden-state store. */
    static Topology topology(String input, String output, Path model, Mode mode) {
        Topology topology = new Topology();
        topology.addSource(
                "ticks", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), input);
        ProcessorSupplier<byte[], byte[], byte[], byte[]> supplier =
                mode == Mode.PER_RECORD ? () -> new PerRecord(model) : () -> new Batched(model);
        topology.addProcessor("forecast", supplier, "ticks");
        // Caching: a key's state written many times between two commits goes to the changelog once.
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), Serdes.ByteArray())
                        .withCachingEnabled(),
                "forecast");
        if (mode == Mode.BATCHED) {
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                                    Stores.persistentKeyValueStore(PENDING_STORE), Serdes.Long(), Serdes.ByteArray())
                            .withCachingEnabled(),
                    "forecast");
        }
        topology.addSink(
                "forecasts",
                output,
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(),
                "forecast");
        topology.addSink(
                "dead-letters",
                output + ".dlq",
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(),
                "forecast");
        return topology;
    }

    /** What both modes share: the cell, the state store, parsing and output. */
    private abstract static class Forecaster implements Processor<byte[], byte[], byte[], byte[]> {
        private final Path model;
        ProcessorContext<byte[], byte[]> context;
        KeyValueStore<String, byte[]> states;
        OnnxRnnCell cell;
        PeerStepper stepper;

        Forecaster(Path model) {
            this.model = model;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.states = context.getStateStore(STATE_STORE);
            this.cell = OnnxRnnCell.load(model, Map.of(), batchSize(), OnnxOptions.CPU);
            this.stepper = new PeerStepper(cell, states);
        }

        abstract int batchSize();

        /** The tick as the Flink job's source parses it, or null when it went to the dead-letter topic. */
        TickInput parse(Record<byte[], byte[]> record) {
            var meta = context.recordMetadata().orElseThrow();
            KafkaInput raw = new KafkaInput(
                    meta.topic(), meta.partition(), meta.offset(), record.timestamp(), record.key(), record.value());
            TickInput tick = TickInputs.parse(raw);
            if (tick.parsed()) {
                return tick;
            }
            DeadLetterRecord dead = DeadLetterRecord.of(
                    "streams-peer",
                    raw,
                    tick.rejectReason,
                    tick.rejectError,
                    StreamJobSettings.DEFAULT_MAX_KEY_BYTES,
                    64 * 1024);
            context.forward(
                    new Record<>(record.key(), RecordEncoder.encode(dead, OutputFormat.AVRO), record.timestamp()),
                    "dead-letters");
            return null;
        }

        void emit(ForecastRecord forecast) {
            EMITTED.incrementAndGet();
            context.forward(
                    new Record<>(
                            forecast.key.getBytes(StandardCharsets.UTF_8),
                            RecordEncoder.encode(forecast, OutputFormat.AVRO),
                            forecast.eventTime),
                    "forecasts");
        }

        @Override
        public void close() {
            if (cell != null) {
                cell.close();
            }
        }
    }

    /** One ONNX call per record: read the key's state, step, write it back, forward the forecast. */
    private static final class PerRecord extends Forecaster {
        PerRecord(Path model) {
            super(model);
        }

        @Override
        int batchSize() {
            return 1;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            TickInput tick = parse(record);
            if (tick != null) {
                stepper.stepOne(tick).forEach(this::emit);
            }
        }
    }

    /**
     * Ticks go to the changelogged pending store as they arrive (so the transaction that commits
     * their offsets also commits them); a wall-clock punctuator steps all pending ticks in
     * batches of up to {@link #BATCH} keys and deletes them.
     */
    private static final class Batched extends Forecaster {
        private KeyValueStore<Long, byte[]> pending;

        Batched(Path model) {
            super(model);
        }

        @Override
        int batchSize() {
            return BATCH;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            super.init(context);
            pending = context.getStateStore(PENDING_STORE);
            context.schedule(
                    java.time.Duration.ofMillis(PUNCTUATE_MS),
                    org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                    now -> stepper.stepPending(pending).forEach(this::emit));
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            TickInput tick = parse(record);
            if (tick != null) {
                pending.put(context.recordMetadata().orElseThrow().offset(), PeerStepper.encodeTick(tick));
            }
        }
    }
}
