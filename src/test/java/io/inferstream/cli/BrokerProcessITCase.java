package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.testing.Launcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/inferstream broker} as a process: killed with {@code kill} or {@code kill -9}, it
 * leaves no Kafka JVM running and, once the launcher starts again, no temp folder; when its Kafka
 * JVM dies, it exits with an error.
 */
class BrokerProcessITCase {
    private static final Duration READY = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "KILL"})
    void shouldLeaveNoProcessWhenTheLauncherIsKilled(String signal) throws Exception {
        try (Launcher broker = Launcher.start(dir.resolve("broker.out"), "broker", "--port", "0")) {
            Matcher ready = broker.awaitLine("^Kafka broker ready: \\S+ \\(pid (\\d+),", READY);
            long kafkaPid = Long.parseLong(ready.group(1));
            List<ProcessHandle> descendants = broker.process().descendants().toList();
            assertThat(descendants).extracting(ProcessHandle::pid).contains(kafkaPid);

            broker.signal(signal);
            broker.awaitExit(Duration.ofSeconds(60));

            for (ProcessHandle child : descendants) {
                // The child notices its parent is gone within a second, then shuts down cleanly.
                child.onExit().get(60, TimeUnit.SECONDS);
                assertThat(child.isAlive())
                        .as("pid %d after %s of the launcher", child.pid(), signal)
                        .isFalse();
            }
            Path tmp = Path.of("target/run/tmp-" + broker.pid());
            if (signal.equals("KILL")) {
                // Nothing ran in the killed JVM to remove it: the launcher's next start does.
                try (Launcher next = Launcher.start(dir.resolve("version.out"), "--version")) {
                    next.awaitExitCode(0, READY);
                }
            }
            assertThat(tmp).doesNotExist();
        }
    }

    @Test
    void shouldExitWithAnErrorWhenItsKafkaProcessDies() throws Exception {
        try (Launcher broker = Launcher.start(dir.resolve("broker.out"), "broker", "--port", "0")) {
            Matcher ready = broker.awaitLine("^Kafka broker ready: \\S+ \\(pid (\\d+),", READY);
            Launcher.signal(Long.parseLong(ready.group(1)), "KILL");

            assertThat(broker.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(broker.console()).contains("error: the Kafka broker exited with code 137 while in use");
        }
    }
}
