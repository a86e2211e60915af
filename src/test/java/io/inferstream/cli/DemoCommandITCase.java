package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end: a real broker, the job on a local Flink runtime,
 * predictions printed; afterwards no broker process and no run files are left.
 */
class DemoCommandITCase {
    @TempDir
    Path runDir;

    @Test
    void shouldPrintPredictionsAndLeaveNothingBehind() throws Exception {
        System.setProperty("inferstream.run.dir", runDir.toString());
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        // As the README shows: once forecasts flow, ship a model to the running tick job.
        java.util.concurrent.CompletableFuture<String> update = new java.util.concurrent.CompletableFuture<>();
        Thread updater = new Thread(() -> update.complete(updateWhenForecastsFlow(captured)), "demo-model-update");
        try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            updater.start();
            code = Inferstream.commandLine().execute("demo", "--seconds", "20", "--rate", "50", "--web-ui-port", "0");
        } finally {
            System.setOut(original);
            System.clearProperty("inferstream.run.dir");
        }
        updater.join(30_000);
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(update.getNow("the update did not finish"))
                .startsWith("exit 0")
                .contains("ACCEPTED");
        assertThat(out)
                .contains("model update  tick-forecaster[0] ACCEPTED models/sensor-esn.onnx version demo-2: now serving"
                        + " version demo-2");

        assertThat(code).as(out).isZero();
        assertThat(out).contains("Flink web UI http://127.0.0.1:");
        assertThat(out).containsPattern("fmnist-test-\\d{5} +\\S.* true: ");
        assertThat(out).containsPattern("accuracy +\\d+\\.\\d%");
        assertThat(out).containsPattern("sensor-\\d{5} +step +\\d+ +value +\\d+\\.\\d+ +forecast");
        Matcher pid = Pattern.compile("\\(pid (\\d+)\\)").matcher(out);
        assertThat(pid.find()).as("broker pid printed").isTrue();
        assertThat(ProcessHandle.of(Long.parseLong(pid.group(1)))
                        .map(ProcessHandle::isAlive)
                        .orElse(false))
                .as("broker process alive after the demo")
                .isFalse();
        try (Stream<Path> left = Files.list(runDir)) {
            assertThat(left).as("files left in the run directory").isEmpty();
        }
    }

    private static final Pattern FORECAST_LINE = Pattern.compile("sensor-\\d{5} +step +\\d+");

    /** Waits for the demo's first forecast line, then runs {@code models update}; returns its exit code and output. */
    private static String updateWhenForecastsFlow(ByteArrayOutputStream demoOutput) {
        Pattern kafka = Pattern.compile("Kafka (127\\.0\\.0\\.1:\\d+)");
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String out = demoOutput.toString(StandardCharsets.UTF_8);
            Matcher bootstrap = kafka.matcher(out);
            if (bootstrap.find() && FORECAST_LINE.matcher(out).find()) {
                java.io.StringWriter answer = new java.io.StringWriter();
                picocli.CommandLine cli = Inferstream.commandLine();
                cli.setOut(new java.io.PrintWriter(answer));
                cli.setErr(new java.io.PrintWriter(answer));
                int code = cli.execute(
                        "models",
                        "update",
                        "tick-forecaster",
                        "--bootstrap",
                        bootstrap.group(1),
                        "--uri",
                        "models/sensor-esn.onnx",
                        "--model-version",
                        "demo-2",
                        "--wait-s",
                        "15");
                return "exit " + code + ": " + answer;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return "interrupted";
            }
        }
        return "no forecast within a minute";
    }
}
