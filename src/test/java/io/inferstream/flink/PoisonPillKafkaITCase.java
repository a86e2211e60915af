package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.ImageEvent;
import io.inferstream.avro.Tick;
import io.inferstream.avro.TickPrediction;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.TickJobConfig;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.input.SingleObjectAvro;
import io.inferstream.output.RecordDecoder;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.records.TickInput;
import io.inferstream.testing.AvroBombs;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.Mutations;
import io.inferstream.testing.OfflineClassifier;
import io.inferstream.testing.TinyRnnCell;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that once stopped a job for good, and a seeded stream of mutated images, ticks and
 * Avro records mixed with valid ones, through both jobs on a real broker. The jobs run without a
 * restart strategy, so any failure fails the test; every input must come out once, as a
 * prediction or a dead letter with the expected reason. The output and dead-letter topics keep
 * the broker's default 1 MB limit: every dead letter must fit it.
 */
class PoisonPillKafkaITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE_BYTES = 26 * 1024 * 1024;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(2);

    @TempDir
    Path dir;

    /** An input as sent, with where it landed and how the test recognizes what it became. */
    private record Sent(
            String name, ProducerRecord<byte[], byte[]> record, int partition, long offset, long timestamp) {
        KafkaInput asInput() {
            return new KafkaInput(record.topic(), partition, offset, timestamp, record.key(), record.value());
        }
    }

    @Test
    void shouldNeverStopTheImageJob() throws Exception {
        String input = createTopic("images-poison", Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
        String output = KAFKA.createTopic("image-predictions-poison", 2);
        String dlq = KAFKA.createTopic("images-dlq-poison", 2);
        SampleImages samples = SampleImages.loadBundled();
        Random random = new Random(9);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> names = new ArrayList<>();

        add(records, names, "null-event-time", input, null, imageEvent(samples.png(0), null));
        byte[] noise = new byte[900 * 1024];
        random.nextBytes(noise);
        add(records, names, "random-900k", input, "noise".getBytes(StandardCharsets.UTF_8), noise);
        byte[] bigKey = new byte[600 * 1024];
        Arrays.fill(bigKey, (byte) 'k');
        add(records, names, "key-600k", input, bigKey, samples.png(1));
        byte[] huge = new byte[20 * 1024 * 1024];
        random.nextBytes(huge);
        add(records, names, "value-20m", input, null, huge);
        byte[] lyingEvent = AvroBombs.imageLengthLie(imageEvent(samples.png(2), null), 1L << 30);
        add(records, names, "bytes-length-lie", input, null, lyingEvent);
        for (int i = 0; i < 60; i++) {
            add(records, names, "valid-png", input, key("cam", i), samples.png(i % samples.size()));
        }
        for (int i = 0; i < 20; i++) {
            add(records, names, "valid-avro", input, null, imageEvent(samples.png(i), Instant.ofEpochMilli(1000 + i)));
        }
        for (int i = 0; i < 180; i++) {
            byte[] png = samples.png(random.nextInt(samples.size()));
            add(records, names, "fuzz-png", input, key("fuzz", i), Mutations.mutate(png, 0, random));
        }
        for (int i = 0; i < 120; i++) {
            byte[] event = imageEvent(samples.png(i % samples.size()), Instant.ofEpochMilli(i));
            int keep = i % 10 == 0 ? 0 : SingleObjectAvro.HEADER_LENGTH;
            add(records, names, "fuzz-avro", input, null, Mutations.mutate(event, keep, random));
        }
        for (int i = 0; i < records.size(); i++) {
            // Every input names itself; an Avro event's own id, if a mutation made one, wins.
            records.get(i).headers().add("event-id", ("in-" + i).getBytes(StandardCharsets.UTF_8));
        }
        List<Sent> sent = produce(records, names);

        Map<String, Object> values = common(input, output, dlq, "image-poison");
        values.put("model.path", OfflineClassifier.DEMO_MODEL.toString());
        values.put("output.format", "json");
        values.put("limits.max-pixels", "10000");
        ImageJobConfig cfg = ImageJobConfig.from(values);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironments.flinkConfiguration(cfg.common));
        ImageJobPipeline.wire(env, cfg);

        Outputs out = runUntilAccounted(env, "image poison", output, dlq, sent.size(), this::decodeImageOutput);

        Map<String, Integer> byId = new HashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            byId.put(expectedImageId(sent.get(i), i), i);
        }
        Map<Integer, Object> accounted =
                account(sent, out, p -> byId.get(((JsonNode) p).get("id").asText()));
        assertThat(accounted).as("inputs read = predictions + dead letters").hasSize(sent.size());

        JsonNode nullEventTime = (JsonNode) accounted.get(0);
        assertThat(nullEventTime.get("eventTime").asLong())
                .isEqualTo(sent.get(0).timestamp());
        DeadLetter noiseLetter = (DeadLetter) accounted.get(1);
        assertThat(noiseLetter.getReason()).isEqualTo("UNDECODABLE_IMAGE");
        assertThat(noiseLetter.getValueLength()).isEqualTo(noise.length);
        assertThat(noiseLetter.getValueSha256()).isEqualTo(DeadLetterRecord.sha256(noise));
        byte[] copy = bytes(noiseLetter.getValue());
        assertThat(copy.length).isLessThan(noise.length).isGreaterThan(500_000);
        assertThat(copy).isEqualTo(Arrays.copyOf(noise, copy.length));
        DeadLetter keyLetter = (DeadLetter) accounted.get(2);
        assertThat(keyLetter.getReason()).isEqualTo("KEY_TOO_LARGE");
        assertThat(keyLetter.getKeyLength()).isEqualTo(bigKey.length);
        assertThat(bytes(keyLetter.getKey())).hasSize(1024);
        DeadLetter hugeLetter = (DeadLetter) accounted.get(3);
        assertThat(hugeLetter.getReason()).isEqualTo("VALUE_TOO_LARGE");
        assertThat(hugeLetter.getValueLength()).isEqualTo(huge.length);
        assertThat(hugeLetter.getValueSha256()).isEqualTo(DeadLetterRecord.sha256(huge));
        assertThat(((DeadLetter) accounted.get(4)).getError()).contains("bytes length 1073741824");
        for (int i = 5; i < 85; i++) {
            assertThat(accounted.get(i)).as(names.get(i) + " " + i).isInstanceOf(JsonNode.class);
        }
        printFuzzOutcome("image", names, accounted);
    }

    @Test
    void shouldNeverStopTheTickJob() throws Exception {
        String input = KAFKA.createTopic("ticks-poison", 2);
        String output = KAFKA.createTopic("tick-predictions-poison", 2);
        String dlq = KAFKA.createTopic("ticks-dlq-poison", 2);
        Path model = new TinyRnnCell(8).write(dir, "tiny", Map.of());
        Random random = new Random(11);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> names = new ArrayList<>();

        String bigKey = "s".repeat(600 * 1024);
        add(records, names, "key-600k-in-body", input, null, json(bigKey, 1500, 1.0));
        add(records, names, "key-600k-record", input, bigKey.getBytes(StandardCharsets.UTF_8), json(null, 1500, 1.0));
        add(records, names, "array-count-bomb", input, null, AvroBombs.hugeArrayTick());
        add(records, names, "string-length-bomb", input, null, AvroBombs.hugeStringTick());
        for (int step = 0; step < 10; step++) {
            for (int k = 0; k < 20; k++) {
                add(
                        records,
                        names,
                        "valid-json",
                        input,
                        null,
                        json(String.format(Locale.ROOT, "k-%02d", k), 1000 + step * 100, Math.sin(k + step)));
            }
        }
        for (int i = 0; i < 10; i++) {
            add(records, names, "valid-avro", input, null, avroTick("a-" + i, 1000 + i, i));
        }
        for (int i = 0; i < 180; i++) {
            byte[] tick = json("f-" + (i % 7), 1000 + i * 5, i * 0.25);
            add(records, names, "fuzz-json", input, null, Mutations.mutate(tick, 0, random));
        }
        for (int i = 0; i < 120; i++) {
            byte[] tick = avroTick("g-" + (i % 7), 1000 + i * 5, i);
            int keep = i % 10 == 0 ? 0 : SingleObjectAvro.HEADER_LENGTH;
            add(records, names, "fuzz-avro", input, null, Mutations.mutate(tick, keep, random));
        }
        List<ProducerRecord<byte[], byte[]>> flushes = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            // Moves each partition's watermark past the valid ticks; itself never released.
            flushes.add(new ProducerRecord<>(input, p, null, json("flush-" + p, 1_000_000, 0.0)));
            names.add("flush");
        }
        records = spread(records);
        records.addAll(flushes);
        List<Sent> sent = produce(records, names);

        Map<String, Object> values = common(input, output, dlq, "tick-poison");
        values.put("model.path", model.toString());
        values.put("order.max-out-of-orderness-ms", "500");
        TickJobConfig cfg = TickJobConfig.from(values);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TickJobPipeline.flinkConfiguration(cfg));
        TickJobPipeline.wire(env, cfg);

        // The job's own parsing tells which ticks the final watermark never reaches: they wait
        // in keyed state for a later tick, neither predicted nor refused. Everything else must
        // come out once.
        List<TickInput> parsed = sent.stream()
                .map(s -> TickInputs.parse(s.asInput(), cfg.common.maxKeyBytes))
                .toList();
        long[] maxTs = {Long.MIN_VALUE, Long.MIN_VALUE};
        for (int i = 0; i < sent.size(); i++) {
            if (parsed.get(i).parsed()) {
                maxTs[sent.get(i).partition()] = Math.max(maxTs[sent.get(i).partition()], parsed.get(i).ts);
            }
        }
        long watermark = Math.min(maxTs[0], maxTs[1]) - 500 - 1;
        boolean[] waits = new boolean[sent.size()];
        int waiting = 0;
        Map<String, Integer> byId = new HashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            TickInput t = parsed.get(i);
            // Valid for the one-feature cell and ahead of the final watermark: held in keyed state.
            waits[i] = t.parsed() && t.values.length == 1 && Double.isFinite(t.values[0]) && t.ts > watermark;
            waiting += waits[i] ? 1 : 0;
            byId.put(t.parsed() ? t.id : sent.get(i).asInput().coordinates(), i);
        }

        Outputs out = runUntilAccounted(
                env, "tick poison", output, dlq, sent.size() - waiting, v -> RecordDecoder.decodeAvro(v));

        Map<Integer, Object> accounted = account(sent, out, p -> byId.get(((TickPrediction) p).getId()));
        for (int i = 0; i < sent.size(); i++) {
            Object outcome = accounted.get(i);
            String what = names.get(i) + " " + i + " (final watermark " + watermark + ")";
            if (!waits[i]) {
                assertThat(outcome).as(what + " came out").isNotNull();
            } else if (outcome != null) {
                // Waiting ticks stay out, unless a tick of the same key and time was there first.
                assertThat(outcome).as(what).isInstanceOf(DeadLetter.class);
                assertThat(((DeadLetter) outcome).getReason()).as(what).isEqualTo("DUPLICATE_TIMESTAMP");
            }
        }
        assertThat(((DeadLetter) accounted.get(0)).getReason()).isEqualTo("KEY_TOO_LARGE");
        DeadLetter recordKey = (DeadLetter) accounted.get(1);
        assertThat(recordKey.getReason()).isEqualTo("KEY_TOO_LARGE");
        assertThat(recordKey.getKeyLength()).isEqualTo(bigKey.length());
        assertThat(((DeadLetter) accounted.get(2)).getError()).contains("array block count 2147483639");
        assertThat(((DeadLetter) accounted.get(3)).getError()).contains("string length 2147483639");
        long predictedValid = 0;
        for (int i = 0; i < sent.size(); i++) {
            predictedValid += names.get(i).startsWith("valid") && accounted.get(i) instanceof TickPrediction ? 1 : 0;
        }
        assertThat(predictedValid)
                .as("valid ticks predicted (a fuzzed tick may make a few late)")
                .isGreaterThan(150);
        printFuzzOutcome("tick", names, accounted);
    }

    /** Runs the job until {@code expected} outputs arrived and 3 s more; fails at once if the job stops. */
    private Outputs runUntilAccounted(
            StreamExecutionEnvironment env,
            String name,
            String output,
            String dlq,
            int expected,
            Function<byte[], Object> decodePrediction)
            throws Exception {
        JobClient job = env.executeAsync(name);
        Outputs out = new Outputs();
        try {
            Properties props = KAFKA.clientProperties();
            props.put("group.id", "poison-reader-" + System.nanoTime());
            props.put("auto.offset.reset", "earliest");
            props.put("isolation.level", "read_committed");
            props.put("max.partition.fetch.bytes", Integer.toString(2 * 1024 * 1024));
            long deadline = System.currentTimeMillis() + 90_000;
            long quietUntil = Long.MAX_VALUE;
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(output, dlq));
                while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                    JobStatus status = job.getJobStatus().get();
                    if (status != JobStatus.RUNNING
                            && status != JobStatus.CREATED
                            && status != JobStatus.INITIALIZING) {
                        job.getJobExecutionResult().get(); // throws with the failure's cause
                        throw new AssertionError("job " + name + " stopped: " + status);
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        out.maxRecordBytes =
                                Math.max(out.maxRecordBytes, record.serializedKeySize() + record.serializedValueSize());
                        if (record.topic().equals(dlq)) {
                            out.deadLetters.add(decodeDeadLetter(record.value()));
                        } else {
                            out.predictions.add(decodePrediction.apply(record.value()));
                        }
                    }
                    if (quietUntil == Long.MAX_VALUE && out.size() >= expected) {
                        quietUntil = System.currentTimeMillis() + 3000;
                    }
                }
            }
            assertThat(job.getJobStatus().get()).as("the job is still running").isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %d predictions, %d dead letters, largest output record %d bytes, peak heap %d MB%n",
                name,
                out.predictions.size(),
                out.deadLetters.size(),
                out.maxRecordBytes,
                peakHeapBytes() / (1024 * 1024));
        assertThat(out.maxRecordBytes).as("largest record written").isLessThanOrEqualTo(1_000_000);
        return out;
    }

    private static final class Outputs {
        final List<Object> predictions = new ArrayList<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();
        int maxRecordBytes;

        int size() {
            return predictions.size() + deadLetters.size();
        }
    }

    /** Each output mapped to its input's index; no input may come out twice, no output be unknown. */
    private static Map<Integer, Object> account(
            List<Sent> sent, Outputs out, Function<Object, Integer> predictionInput) {
        Map<String, Integer> byCoordinates = new HashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            byCoordinates.put(sent.get(i).partition() + "@" + sent.get(i).offset(), i);
        }
        Map<Integer, Object> accounted = new HashMap<>();
        for (DeadLetter d : out.deadLetters) {
            Integer index = byCoordinates.get(d.getPartition() + "@" + d.getOffset());
            assertThat(index)
                    .as("dead letter of a sent input: " + d.getPartition() + "@" + d.getOffset())
                    .isNotNull();
            assertThat(accounted.put(index, d))
                    .as("input " + index + " came out once")
                    .isNull();
        }
        for (Object p : out.predictions) {
            Integer index = predictionInput.apply(p);
            assertThat(index).as("prediction of a sent input: " + p).isNotNull();
            assertThat(accounted.put(index, p))
                    .as("input " + index + " came out once")
                    .isNull();
        }
        return accounted;
    }

    private static void printFuzzOutcome(String job, List<String> names, Map<Integer, Object> accounted) {
        Map<String, Integer> outcomes = new java.util.TreeMap<>();
        for (Map.Entry<Integer, Object> e : accounted.entrySet()) {
            String name = names.get(e.getKey());
            String outcome = e.getValue() instanceof DeadLetter d ? d.getReason() : "prediction";
            outcomes.merge(name + " -> " + outcome, 1, Integer::sum);
        }
        System.out.println(job + " outcomes: " + outcomes);
    }

    private Map<String, Object> common(String input, String output, String dlq, String name) {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", KAFKA.bootstrapServers());
        values.put("kafka.group-id", name);
        values.put("job.name", name);
        values.put("topics.input", input);
        values.put("topics.output", output);
        values.put("topics.dlq", dlq);
        values.put("parallelism", "2");
        values.put("checkpoint.interval-ms", "500");
        values.put("checkpoint.dir", dir.resolve("checkpoints-" + name).toString());
        // Any failure fails the job, and so the test: no restart can hide one.
        values.put("flink.restart-strategy.type", "none");
        return values;
    }

    private static String createTopic(String name, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, 2, (short) 1).configs(configs)))
                    .all()
                    .get();
        }
        return name;
    }

    private static void add(
            List<ProducerRecord<byte[], byte[]>> records,
            List<String> names,
            String name,
            String topic,
            byte[] key,
            byte[] value) {
        records.add(new ProducerRecord<>(topic, key, value));
        names.add(name);
    }

    /** Alternates partitions so that both carry poison, fuzz and valid records. */
    private static List<ProducerRecord<byte[], byte[]>> spread(List<ProducerRecord<byte[], byte[]>> records) {
        List<ProducerRecord<byte[], byte[]>> spread = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ProducerRecord<byte[], byte[]> r = records.get(i);
            spread.add(new ProducerRecord<>(r.topic(), i % 2, r.key(), r.value()));
        }
        return spread;
    }

    private static List<Sent> produce(List<ProducerRecord<byte[], byte[]>> records, List<String> names)
            throws Exception {
        Properties props = KAFKA.clientProperties();
        props.put("acks", "all");
        props.put("max.request.size", Integer.toString(MAX_MESSAGE_BYTES));
        props.put("buffer.memory", Integer.toString(4 * MAX_MESSAGE_BYTES));
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                futures.add(producer.send(record));
            }
            producer.flush();
            for (int i = 0; i < records.size(); i++) {
                RecordMetadata m = futures.get(i).get();
                sent.add(new Sent(names.get(i), records.get(i), m.partition(), m.offset(), m.timestamp()));
            }
        }
        return sent;
    }

    /** The id a prediction of this input carries: the Avro event's own, else the event-id header. */
    private static String expectedImageId(Sent s, int index) {
        byte[] value = s.record().value();
        if (SingleObjectAvro.hasMarker(value)) {
            try {
                ImageEvent event = SingleObjectAvro.decode(value, ImageEvent.getClassSchema(), ImageEvent.getDecoder());
                if (event.getId() != null) {
                    return event.getId();
                }
            } catch (Exception e) {
                // Refused: a dead letter, found by its offset.
            }
        }
        return "in-" + index;
    }

    private Object decodeImageOutput(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (Exception e) {
            throw new AssertionError("prediction is not JSON: " + RecordDecoder.describe(value), e);
        }
    }

    /** A dead letter in either format, as the Avro record. */
    private static DeadLetter decodeDeadLetter(byte[] value) {
        Object avro = RecordDecoder.decodeAvro(value);
        if (avro instanceof DeadLetter d) {
            return d;
        }
        try {
            JsonNode j = JSON.readTree(value);
            return DeadLetter.newBuilder()
                    .setJob(j.get("job").asText())
                    .setTopic(j.get("topic").asText())
                    .setPartition(j.get("partition").asInt())
                    .setOffset(j.get("offset").asLong())
                    .setKey(base64(j.get("key")))
                    .setValue(base64(j.get("value")))
                    .setRecordTimestamp(
                            Instant.ofEpochMilli(j.get("recordTimestamp").asLong()))
                    .setReason(j.get("reason").asText())
                    .setError(j.get("error").asText())
                    .setFailedAt(Instant.ofEpochMilli(j.get("failedAt").asLong()))
                    .setKeyLength(
                            j.get("keyLength").isNull()
                                    ? null
                                    : j.get("keyLength").asInt())
                    .setKeySha256(
                            j.get("keySha256").isNull()
                                    ? null
                                    : j.get("keySha256").asText())
                    .setValueLength(
                            j.get("valueLength").isNull()
                                    ? null
                                    : j.get("valueLength").asInt())
                    .setValueSha256(
                            j.get("valueSha256").isNull()
                                    ? null
                                    : j.get("valueSha256").asText())
                    .build();
        } catch (Exception e) {
            throw new AssertionError("not a dead letter: " + RecordDecoder.describe(value), e);
        }
    }

    private static ByteBuffer base64(JsonNode node) {
        return node == null || node.isNull()
                ? null
                : ByteBuffer.wrap(Base64.getDecoder().decode(node.asText()));
    }

    private static byte[] imageEvent(byte[] png, Instant eventTime) throws Exception {
        ImageEvent event = ImageEvent.newBuilder()
                .setEventTime(eventTime)
                .setImage(ByteBuffer.wrap(png))
                .build();
        return bytes(ImageEvent.getEncoder().encode(event));
    }

    private static byte[] json(String key, long ts, double value) {
        String body = key == null
                ? String.format(Locale.ROOT, "{\"ts\":%d,\"value\":%s}", ts, value)
                : String.format(Locale.ROOT, "{\"key\":\"%s\",\"ts\":%d,\"value\":%s}", key, ts, value);
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] avroTick(String key, long ts, double value) throws Exception {
        return bytes(Tick.getEncoder()
                .encode(Tick.newBuilder()
                        .setKey(key)
                        .setTs(Instant.ofEpochMilli(ts))
                        .setValues(List.of(value))
                        .build()));
    }

    private static byte[] key(String prefix, int i) {
        return (prefix + "-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
