package io.inferstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.TickPrediction;
import io.inferstream.demo.rnn.EchoStateCell;
import io.inferstream.demo.rnn.EchoStateGraphs;
import io.inferstream.demo.rnn.SyntheticTicks;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.local.KafkaClients;
import io.inferstream.output.RecordDecoder;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kafka Streams peer of bench ticks, in its own JVM on a real broker, computes what the Flink
 * job computes: every key's forecasts equal its whole sequence stepped offline in a plain loop,
 * in both modes, and a record that does not parse becomes a dead letter. Without this the
 * benchmark's comparison would not be honest.
 */
class StreamsPeerITCase {
    private static final Path MODEL = Path.of("models/sensor-esn.onnx");
    private static final int KEYS = 4;
    private static final int STEPS = 25;
    private static final SyntheticTicks SERIES = new SyntheticTicks(5);

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    // Recent event times: the forecasts carry them as Kafka timestamps, and the broker's time
    // retention deletes records older than 7 days.
    private static final long FIRST_TS = (System.currentTimeMillis() / 1000 - 3600) * 1000;

    private static String input;

    private static long timestamp(int step) {
        return FIRST_TS + step * 1000L;
    }

    @BeforeAll
    static void produceTicks() throws Exception {
        input = KAFKA.createTopic(KAFKA.uniqueTopic("peer-ticks"), 2);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(KAFKA.bootstrapServers())) {
            for (int step = 0; step < STEPS; step++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = SyntheticTicks.key(k);
                    String json = String.format(
                            Locale.ROOT,
                            "{\"key\":\"%s\",\"ts\":%d,\"value\":%s}",
                            key,
                            timestamp(step),
                            SERIES.value(k, step));
                    send(producer, key, json);
                }
                if (step == STEPS / 2) {
                    send(producer, SyntheticTicks.key(0), "{\"key\": not json");
                }
            }
            producer.flush();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String key, String value) {
        producer.send(new ProducerRecord<>(
                input, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"per-record", "batched"})
    void shouldForecastEveryKeyAsTheModelDoesOffline(String mode) throws Exception {
        String output = KAFKA.createTopic(KAFKA.uniqueTopic("peer-forecasts-" + mode), 2);
        KAFKA.createTopic(output + ".dlq", 2);
        Path dir =
                Files.createDirectories(Path.of("target", "streams-peer-it")).resolve(mode + "-" + System.nanoTime());
        Map<String, List<TickPrediction>> forecasts = new HashMap<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (StreamsPeerProcess peer =
                StreamsPeerProcess.start(KAFKA.bootstrapServers(), input, output, MODEL, mode, dir)) {
            readCommitted(List.of(output, output + ".dlq"), KEYS * STEPS + 1, peer, forecasts, deadLetters);
        }

        assertThat(deadLetters).extracting(d -> d.getReason()).containsExactly("BAD_TICK");
        RnnCellSpec spec = OnnxRnnCell.inspect(MODEL, Map.of());
        EchoStateCell cell = EchoStateGraphs.readCell(Files.readAllBytes(MODEL));
        assertThat(forecasts).hasSize(KEYS);
        for (int k = 0; k < KEYS; k++) {
            List<TickPrediction> streamed = forecasts.get(SyntheticTicks.key(k));
            streamed.sort(Comparator.comparingLong(TickPrediction::getStep));
            assertThat(streamed)
                    .extracting(TickPrediction::getStep)
                    .hasSize(STEPS)
                    .doesNotHaveDuplicates();
            float[] h = new float[cell.hidden()];
            for (int step = 0; step < STEPS; step++) {
                float x = (float) ((SERIES.value(k, step) - spec.inputMean[0]) / spec.inputStd[0]);
                EchoStateCell.Step next = cell.step(new float[] {x}, h);
                h = next.hNext();
                double expected = next.y()[0] * spec.outputStd[0] + spec.outputMean[0];
                TickPrediction p = streamed.get(step);
                assertThat(p.getStep()).isEqualTo(step + 1L);
                assertThat(p.getEventTime().toEpochMilli()).isEqualTo(timestamp(step));
                assertThat(p.getOutputs()).hasSize(1);
                assertThat(p.getOutputs().values().iterator().next())
                        .as("key %d step %d", k, step + 1)
                        .isCloseTo(expected, within(1e-3));
            }
        }
    }

    private static void readCommitted(
            List<String> topics,
            int count,
            StreamsPeerProcess peer,
            Map<String, List<TickPrediction>> forecasts,
            List<DeadLetter> deadLetters) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.committed(KAFKA.clientProperties())
                .beforeEachPoll(peer::checkAlive)
                .read(topics, count, Duration.ofSeconds(90), Duration.ZERO);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            SpecificRecord value = RecordDecoder.decodeAvro(r.value());
            if (value instanceof TickPrediction p) {
                forecasts.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p);
            } else if (value instanceof DeadLetter d) {
                deadLetters.add(d);
            }
        }
        assertThat(records.size())
                .as("records from the peer; its log:\n" + peer.logTail())
                .isEqualTo(count);
    }
}
