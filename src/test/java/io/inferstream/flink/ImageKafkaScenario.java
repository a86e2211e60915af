package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.ImageEvent;
import io.inferstream.avro.ImagePrediction;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.local.KafkaClients;
import io.inferstream.testing.JobOutput;
import io.inferstream.testing.OfflineClassifier;
import io.inferstream.testing.TopicReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The image job end to end through a real Kafka broker: raw PNGs, Avro ImageEvents and garbage
 * produced with a plain producer; committed output read back with read_committed and checked
 * against the offline model, the model card and the inputs-equal-outputs invariant.
 */
final class ImageKafkaScenario {
    private static final Pattern SAMPLE_ACCURACY = Pattern.compile("Sample accuracy: ([0-9.]+) \\((\\d+)/(\\d+)\\)");

    private final String bootstrap;
    private final Properties client = new Properties();
    private final String suffix;

    ImageKafkaScenario(String bootstrap, String suffix) {
        this.bootstrap = bootstrap;
        this.suffix = suffix;
        client.put("bootstrap.servers", bootstrap);
    }

    String input() {
        return "images-" + suffix;
    }

    String output() {
        return "image-predictions-" + suffix;
    }

    String dlq() {
        return "images-dlq-" + suffix;
    }

    /** Produces every kind of input, runs the job exactly-once until all are accounted for, checks. */
    void run(Path checkpoints) throws Exception {
        SampleImages samples = SampleImages.loadBundled();
        List<ProducerRecord<byte[], byte[]>> garbage = garbage();
        int avroEvents = 50;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap)) {
            for (int i = 0; i < samples.size(); i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                        input(), SampleImages.key(i).getBytes(StandardCharsets.UTF_8), samples.png(i));
                if (i % 10 == 0) {
                    record.headers().add("event-id", ("header-id-" + i).getBytes(StandardCharsets.UTF_8));
                    record.headers().add("event-time", "2024-01-31T12:00:00Z".getBytes(StandardCharsets.UTF_8));
                }
                producer.send(record);
            }
            for (int i = 0; i < avroEvents; i++) {
                producer.send(new ProducerRecord<>(input(), null, imageEvent(samples, i)));
            }
            garbage.forEach(producer::send);
            producer.flush();
        }
        int inputs = samples.size() + avroEvents + garbage.size();

        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", bootstrap);
        values.put("topics.input", input());
        values.put("topics.output", output());
        values.put("topics.dlq", dlq());
        values.put("job.name", "image-it-" + suffix);
        values.put("model.path", OfflineClassifier.DEMO_MODEL.toString());
        values.put("parallelism", "2");
        values.put("checkpoint.interval-ms", "500");
        values.put("checkpoint.dir", checkpoints.toString());
        values.put("limits.max-pixels", "10000");
        ImageJobConfig cfg = ImageJobConfig.from(values);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironments.flinkConfiguration(cfg.common));
        ImageJobPipeline.wire(env, cfg);
        JobClient job = env.executeAsync("image kafka it " + suffix);
        JobOutput<ImagePrediction> out;
        try {
            // Anything beyond the expected count would be a duplicate: give it time to show up.
            out = JobOutput.decode(
                    TopicReader.committed(client)
                            .read(List.of(output(), dlq()), inputs, Duration.ofSeconds(120), TopicReader.REPEAT_WINDOW),
                    ImagePrediction.class);
        } finally {
            job.cancel().get();
        }
        check(samples, avroEvents, garbage, out, inputs);
    }

    private void check(
            SampleImages samples,
            int avroEvents,
            List<ProducerRecord<byte[], byte[]>> garbage,
            JobOutput<ImagePrediction> out,
            int inputs)
            throws Exception {
        List<ImagePrediction> predictions = out.predictions();
        List<DeadLetter> deadLetters = out.deadLetters();
        assertThat(out.size()).as("inputs read = predictions + dead letters").isEqualTo(inputs);
        assertThat(predictions).extracting(ImagePrediction::getId).doesNotHaveDuplicates();
        assertThat(predictions).hasSize(samples.size() + avroEvents);

        int correct = 0;
        try (OfflineClassifier oracle = new OfflineClassifier(OfflineClassifier.DEMO_MODEL)) {
            for (ImagePrediction p : predictions) {
                int index = SampleImages.indexOfKey(p.getSource());
                assertThat(index).as("source " + p.getSource()).isGreaterThanOrEqualTo(0);
                float[] expected = oracle.probabilities(samples.pixels(index));
                int best = OfflineClassifier.argMax(expected);
                assertThat(p.getLabel()).isEqualTo(SampleImages.labelNames().get(best));
                assertThat(p.getScore()).isCloseTo(expected[best], within(1e-5f));
                assertThat(p.getModel()).isEqualTo("fashion-cnn");
                assertThat(p.getModelVersion()).isEqualTo("1");
                if (p.getId().startsWith("avro-")) {
                    assertThat(p.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L + index));
                    continue;
                }
                if (index % 10 == 0) {
                    assertThat(p.getId()).isEqualTo("header-id-" + index);
                    assertThat(p.getEventTime()).isEqualTo(Instant.parse("2024-01-31T12:00:00Z"));
                } else {
                    assertThat(p.getId()).startsWith(input() + "-");
                }
                correct += best == samples.label(index) ? 1 : 0;
            }
        }
        // The raw PNGs are the bundled sample; their accuracy must be the model card's.
        Matcher card = SAMPLE_ACCURACY.matcher(Files.readString(Path.of("models/fashion-cnn.md")));
        assertThat(card.find()).as("model card has a 'Sample accuracy:' line").isTrue();
        assertThat(correct).as("correct predictions on the bundled sample").isEqualTo(Integer.parseInt(card.group(2)));

        assertThat(deadLetters)
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(
                        "EMPTY_VALUE",
                        "UNDECODABLE_IMAGE",
                        "UNDECODABLE_IMAGE",
                        "UNKNOWN_SCHEMA",
                        "IMAGE_TOO_LARGE",
                        "BAD_HEADER");
        for (DeadLetter d : deadLetters) {
            ProducerRecord<byte[], byte[]> original = garbage.stream()
                    .filter(g -> Arrays.equals(g.key(), bytes(d.getKey())))
                    .findFirst()
                    .orElseThrow();
            assertThat(bytes(d.getValue())).isEqualTo(original.value() == null ? new byte[0] : original.value());
            assertThat(d.getTopic()).isEqualTo(input());
            assertThat(d.getError()).isNotBlank();
        }
    }

    private List<ProducerRecord<byte[], byte[]>> garbage() throws Exception {
        List<ProducerRecord<byte[], byte[]>> garbage = new ArrayList<>();
        byte[] png = SampleImages.loadBundled().png(0);
        garbage.add(record("empty", new byte[0]));
        garbage.add(record("text", "definitely not an image".getBytes(StandardCharsets.UTF_8)));
        garbage.add(record("truncated", Arrays.copyOf(png, png.length / 2)));
        byte[] unknownAvro = new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0};
        garbage.add(record("unknown-schema", unknownAvro));
        garbage.add(record("too-large", encode(new BufferedImage(200, 200, BufferedImage.TYPE_BYTE_GRAY))));
        ProducerRecord<byte[], byte[]> badHeader = record("bad-header", png);
        badHeader.headers().add("event-time", "yesterday".getBytes(StandardCharsets.UTF_8));
        garbage.add(badHeader);
        return garbage;
    }

    private ProducerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(input(), key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static byte[] imageEvent(SampleImages samples, int index) throws Exception {
        ImageEvent event = ImageEvent.newBuilder()
                .setId("avro-" + index)
                .setSource(SampleImages.key(index))
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + index))
                .setContentType("image/png")
                .setImage(ByteBuffer.wrap(samples.png(index)))
                .build();
        return bytes(ImageEvent.getEncoder().encode(event));
    }

    private static byte[] encode(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
