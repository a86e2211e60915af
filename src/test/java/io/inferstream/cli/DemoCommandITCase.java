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
        try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            code = Inferstream.commandLine().execute("demo", "--seconds", "20", "--rate", "50", "--web-ui-port", "0");
        } finally {
            System.setOut(original);
            System.clearProperty("inferstream.run.dir");
        }
        String out = captured.toString(StandardCharsets.UTF_8);

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
}
