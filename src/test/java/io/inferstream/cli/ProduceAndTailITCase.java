package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.TopicReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code produce images} and {@code tail} against a real broker. */
class ProduceAndTailITCase {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path folder;

    @Test
    void shouldRefuseToRunWithModelUpdatesOnWhenTheControlTopicIsMissing() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = Inferstream.commandLine();
        cli.setErr(new java.io.PrintWriter(err));

        int code = cli.execute(
                "run",
                "image-classifier",
                "--bootstrap",
                KAFKA.bootstrapServers(),
                "--set",
                "model-updates.topic=no-such-control-topic");

        assertThat(code).isNotZero();
        assertThat(err.toString())
                .contains("model-updates.topic = 'no-such-control-topic': expected an existing topic on "
                        + KAFKA.bootstrapServers())
                .contains("--create-topics")
                .contains("model-updates.enabled: false");
    }

    @Test
    void shouldSendEveryImageOfAFolderKeyedByFileNameAndTailThem() throws Exception {
        SampleImages samples = SampleImages.loadBundled();
        for (int i = 0; i < 3; i++) {
            Files.write(folder.resolve("img-" + i + ".png"), samples.png(i));
        }
        Files.writeString(folder.resolve("notes.txt"), "not an image, skipped");
        String topic = KAFKA.createTopic("cli-images", 1);

        int code = Inferstream.commandLine()
                .execute(
                        "produce",
                        "images",
                        "--bootstrap",
                        KAFKA.bootstrapServers(),
                        "--topic",
                        topic,
                        folder.toString());

        assertThat(code).isZero();
        Map<String, byte[]> received = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(topic, 3)) {
            received.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
        }
        assertThat(received).containsOnlyKeys("img-0.png", "img-1.png", "img-2.png");
        assertThat(received.get("img-1.png")).isEqualTo(samples.png(1));

        String tailed = captureOut(() -> Inferstream.commandLine()
                .execute("tail", "--bootstrap", KAFKA.bootstrapServers(), "--topic", topic, "--max", "3"));
        assertThat(tailed.lines()).hasSize(3);
        assertThat(tailed).contains("0:0 img-0.png ").contains("bytes, starting 89 50 4E 47");
    }

    @Test
    void shouldSendTicksFromACsvFileAsJson() throws Exception {
        Path csv = folder.resolve("prices.csv");
        Files.writeString(csv, "time,symbol,close\n1700000000000,AAPL,101.5\n1700000001000,MSFT,330.25\n");
        String topic = KAFKA.createTopic("cli-ticks", 1);

        int code = Inferstream.commandLine()
                .execute(
                        "produce",
                        "ticks",
                        "--bootstrap",
                        KAFKA.bootstrapServers(),
                        "--topic",
                        topic,
                        "--key-column",
                        "symbol",
                        "--time-column",
                        "time",
                        csv.toString());

        assertThat(code).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 2);
        assertThat(records)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly(
                        "{\"key\":\"AAPL\",\"ts\":1700000000000,\"values\":[101.5]}",
                        "{\"key\":\"MSFT\",\"ts\":1700000001000,\"values\":[330.25]}");
        assertThat(new String(records.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("MSFT");
    }

    private static String captureOut(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            action.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** What the command-line producer wrote, without transactions. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
        return TopicReader.uncommitted(KAFKA.clientProperties())
                .read(List.of(topic), count, Duration.ofSeconds(30), Duration.ZERO);
    }
}
