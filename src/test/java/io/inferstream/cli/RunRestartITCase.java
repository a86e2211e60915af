package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.avro.TickPrediction;
import io.inferstream.local.KafkaClients;
import io.inferstream.output.RecordDecoder;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.Launcher;
import io.inferstream.testing.TickRecords;
import io.inferstream.testing.TinyRnnCell;
import io.inferstream.testing.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/inferstream run tick-forecaster} killed with SIGKILL mid-stream, then stopped with
 * Ctrl-C (SIGINT), each time started again with the same command: the committed forecasts equal
 * those of an uninterrupted run (each key's whole sequence stepped at once): no tick lost, none
 * repeated, every key's steps continuous. Also one instance per job, and the refusal of a fresh
 * start over committed offsets.
 */
class RunRestartITCase {
    private static final int KEYS = 12;
    private static final int STEPS = 90;
    private static final long STEP_MS = 100;
    private static final Duration START = Duration.ofSeconds(90);

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void shouldResumeAfterSigkillAndCtrlCWithTheSameForecastsAsWithoutStopping() throws Exception {
        TinyRnnCell cell = new TinyRnnCell(8);
        Path model = cell.write(dir, "tiny", Map.of());
        String input = KAFKA.createTopic("restart-ticks", 2);
        String output = KAFKA.uniqueTopic("restart-forecasts");
        String[] command = runCommand(model, input, output, "restart-it", dir.resolve("checkpoints"));
        AtomicInteger produced = new AtomicInteger();
        // About 36 s of ticks: the stream runs on through the kill, the restarts and the Ctrl-C.
        Thread producer = new Thread(() -> produceSteps(input, produced, 400), "tick-producer");

        List<TickPrediction> committed = new ArrayList<>();
        try (Launcher first = Launcher.start(dir.resolve("run-1.out"), command)) {
            first.awaitLine("^starting afresh", START);
            producer.start();
            readUntil(output, committed, KEYS * STEPS / 4);
            assertThat(producedPidOf(dir.resolve("run-1.out")))
                    .as("the JVM's PID, as it prints it, is the launcher's")
                    .isEqualTo(first.pid());
            first.signal("KILL");
            first.awaitExit(Duration.ofSeconds(30));
        }
        long killedPid = producedPidOf(dir.resolve("run-1.out"));
        try (Launcher second = Launcher.start(dir.resolve("run-2.out"), command)) {
            second.awaitLine("^resuming from .*/restart-it/[0-9a-f]{32}/chk-\\d+$", START);
            assertThat(Path.of("target/run/tmp-" + killedPid))
                    .as("temp folder of the killed JVM, removed by the next start")
                    .doesNotExist();
            readUntil(output, committed, KEYS * STEPS / 2);
            second.signal("INT");
            second.awaitLine("^stopped with savepoint ", Duration.ofSeconds(60));
            second.awaitExitCode(0, Duration.ofSeconds(60));
            assertThat(Path.of("target/run/tmp-" + second.pid())).doesNotExist();
        }
        try (Launcher third = Launcher.start(dir.resolve("run-3.out"), command)) {
            third.awaitLine("^resuming from .*/restart-it/savepoints/savepoint-[^/]+$", START);
            producer.join();
            flush(input);
            readUntil(output, committed, KEYS * STEPS);
            // Anything more would be a repeat.
            Thread.sleep(3000);
            readUntil(output, committed, Integer.MAX_VALUE, Duration.ofSeconds(2));
            third.signal("TERM");
            third.awaitExitCode(0, Duration.ofSeconds(60));
        }

        assertThat(produced.get()).isEqualTo(KEYS * STEPS);
        Map<String, List<TickPrediction>> byKey = new TreeMap<>();
        committed.forEach(
                p -> byKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p));
        assertThat(byKey).hasSize(KEYS);
        for (int k = 0; k < KEYS; k++) {
            String key = key(k);
            List<TickPrediction> forecasts = byKey.get(key);
            forecasts.sort(java.util.Comparator.comparingLong(TickPrediction::getStep));
            assertThat(forecasts)
                    .as("steps of %s", key)
                    .extracting(TickPrediction::getStep)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, STEPS)
                            .boxed()
                            .toList());
            List<Double> inputs = new ArrayList<>();
            for (int s = 0; s < STEPS; s++) {
                inputs.add(value(k, s));
            }
            List<Double> uninterrupted = cell.run(inputs);
            for (int s = 0; s < STEPS; s++) {
                TickPrediction p = forecasts.get(s);
                assertThat(p.getEventTime().toEpochMilli())
                        .as("event time of step %d of %s", s + 1, key)
                        .isEqualTo(1000 + s * STEP_MS);
                assertThat(p.getOutputs().values().iterator().next())
                        .as("forecast of step %d of %s", s + 1, key)
                        .isCloseTo(uninterrupted.get(s), within(1e-3));
            }
        }
    }

    @Test
    void shouldRefuseASecondInstanceAndAFreshStartOverCommittedOffsets() throws Exception {
        Path model = new TinyRnnCell(8).write(dir, "tiny", Map.of());
        String input = KAFKA.createTopic("single-ticks", 2);
        String output = KAFKA.uniqueTopic("single-forecasts");
        String[] command = runCommand(model, input, output, "single-it", dir.resolve("checkpoints"));
        try (Launcher first = Launcher.start(dir.resolve("first.out"), command)) {
            first.awaitLine("^job single-it: ", START);
            try (Launcher second = Launcher.start(dir.resolve("second.out"), command)) {
                second.awaitExitCode(2, START);
                assertThat(second.console())
                        .contains("error: job single-it (checkpoints in ")
                        .contains("already runs on this machine as PID " + first.pid());
            }
            produceSteps(input, new AtomicInteger(), 0);
            List<TickPrediction> forecasts = new ArrayList<>();
            readUntil(output, forecasts, KEYS);
            first.signal("TERM");
            first.awaitLine("^stopped with savepoint ", Duration.ofSeconds(60));
            first.awaitExitCode(0, Duration.ofSeconds(60));
        }

        // The same job and group with another checkpoint dir: the state that goes with the offsets is not there.
        String[] elsewhere = runCommand(model, input, output, "single-it", dir.resolve("elsewhere"));
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Inferstream.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(java.util.Arrays.copyOfRange(elsewhere, 0, elsewhere.length)))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("consumer group single-it has committed offsets on " + input + " (partition 0 at ")
                .contains("no checkpoint or savepoint of job single-it is in "
                        + dir.resolve("elsewhere").toAbsolutePath().resolve("single-it"))
                .contains("--from-scratch");

        String[] fromScratch = java.util.Arrays.copyOf(elsewhere, elsewhere.length + 1);
        fromScratch[elsewhere.length] = "--from-scratch";
        try (Launcher scratch = Launcher.start(dir.resolve("scratch.out"), fromScratch)) {
            scratch.awaitLine(
                    "^starting from scratch, as asked: every key's state starts empty; input resumes at the"
                            + " offsets group single-it committed on " + input + " \\(partition 0 at \\d+, partition 1"
                            + " at \\d+\\): input before them is not read again",
                    START);
            scratch.awaitLine("^job single-it: ", START);
            scratch.signal("TERM");
            scratch.awaitExitCode(0, Duration.ofSeconds(60));
        }
    }

    private static String[] runCommand(Path model, String input, String output, String job, Path checkpoints) {
        return new String[] {
            "run",
            "tick-forecaster",
            "--bootstrap",
            KAFKA.bootstrapServers(),
            "--model",
            model.toString(),
            "--input-topic",
            input,
            "--output-topic",
            output,
            "--dlq-topic",
            output + ".dlq",
            "--checkpoint-dir",
            checkpoints.toString(),
            "--parallelism",
            "2",
            "--create-topics",
            "--web-ui-port",
            "0",
            "--set",
            "job.name=" + job,
            "--set",
            "kafka.group-id=" + job,
            "--set",
            "checkpoint.interval-ms=300",
            "--set",
            "order.max-out-of-orderness-ms=200",
            "--set",
            "model-updates.enabled=false"
        };
    }

    private static String key(int k) {
        return String.format(Locale.ROOT, "key-%02d", k);
    }

    private static double value(int k, int step) {
        return Math.sin(0.3 * step + k) + 0.01 * k;
    }

    /** Every key's ticks, one step of all keys at a time, paced so that the stream runs through the restarts. */
    private static void produceSteps(String topic, AtomicInteger produced, long pauseMs) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(KAFKA.bootstrapServers())) {
            for (int s = 0; s < STEPS; s++) {
                for (int k = 0; k < KEYS; k++) {
                    TickRecords.send(producer, topic, null, key(k), TickRecords.json(1000 + s * STEP_MS, value(k, s)));
                    produced.incrementAndGet();
                }
                producer.flush();
                Thread.sleep(pauseMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A tick per partition far ahead of the others: the watermark releases every real tick. */
    private static void flush(String topic) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(KAFKA.bootstrapServers())) {
            TickRecords.sendFlushTicks(producer, topic, 2, 1000 + STEPS * STEP_MS * 10);
            producer.flush();
        }
    }

    private static long producedPidOf(Path console) throws Exception {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\\(pid (\\d+)\\)").matcher(Files.readString(console));
        assertThat(m.find()).as("pid line in %s", console).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static void readUntil(String topic, List<TickPrediction> into, int count) {
        readUntil(topic, into, count, Duration.ofSeconds(120));
    }

    /** Reads the committed forecasts from the start until there are {@code count} or the time is up. */
    private static void readUntil(String topic, List<TickPrediction> into, int count, Duration timeout) {
        List<TickPrediction> all = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TopicReader.committed(KAFKA.clientProperties()).read(List.of(topic), count, timeout, Duration.ZERO)) {
            all.add((TickPrediction) RecordDecoder.decodeAvro(record.value()));
        }
        if (count != Integer.MAX_VALUE) {
            assertThat(all.size()).as("committed forecasts on %s", topic).isGreaterThanOrEqualTo(count);
        }
        into.clear();
        into.addAll(all);
    }
}
