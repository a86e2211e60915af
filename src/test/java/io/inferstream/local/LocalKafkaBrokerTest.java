package io.inferstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerTest {

    @TempDir
    Path tempDir;

    private final String savedClassPathFile = System.getProperty(ChildJvm.CLASSPATH_FILE_PROPERTY);

    @AfterEach
    void restoreClassPathFileProperty() {
        if (savedClassPathFile == null) {
            System.clearProperty(ChildJvm.CLASSPATH_FILE_PROPERTY);
        } else {
            System.setProperty(ChildJvm.CLASSPATH_FILE_PROPERTY, savedClassPathFile);
        }
    }

    @Test
    void shouldNameTheMissingClassPathFileAndHowToCreateIt() {
        Path missing = tempDir.resolve("no-such-classpath.txt");
        System.setProperty(ChildJvm.CLASSPATH_FILE_PROPERTY, missing.toString());
        Path dataDir = tempDir.resolve("broker");

        assertThatThrownBy(() -> LocalKafkaBroker.start(dataDir, 0, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString())
                .hasMessageContaining("-DskipTests package")
                .hasMessageContaining("mvn generate-resources");
        assertThat(dataDir)
                .as("nothing is written before the class path is known")
                .doesNotExist();
    }

    @Test
    void shouldShowTheTailOfTheChildOutputWhenTheChildFails() throws Exception {
        Path classPathFile = tempDir.resolve("classpath.txt");
        Files.writeString(classPathFile, tempDir.resolve("no-kafka-here.jar").toString());
        System.setProperty(ChildJvm.CLASSPATH_FILE_PROPERTY, classPathFile.toString());

        assertThatThrownBy(() -> LocalKafkaBroker.start(tempDir.resolve("broker"), 0, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code 1, expected 0")
                .hasMessageContaining("kafka.tools.StorageTool");
        assertThat(tempDir.resolve("broker").resolve("broker.out"))
                .as("kept to explain the failure")
                .exists();
    }

    @Test
    void shouldRejectAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> LocalKafkaBroker.start(tempDir, port, true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void shouldRejectAPortOutOfRange() {
        assertThatThrownBy(() -> LocalKafkaBroker.start(tempDir, 70_000, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000")
                .hasMessageContaining("65535");
    }
}
