package io.inferstream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The job jar that `package` built (Failsafe runs after it) holds the runtime and the libraries
 * it needs, and nothing of our tooling: no command line, benchmark, local broker or cluster, demo
 * training, nor the libraries only they use.
 */
class JobJarITCase {

    @Test
    void shouldHoldTheRuntimeAndNothingOfTheTooling() throws IOException {
        List<String> entries = new ArrayList<>();
        Manifest manifest;
        try (JarFile jar = new JarFile(jobJar().toFile())) {
            jar.stream().map(ZipEntry::getName).forEach(entries::add);
            manifest = jar.getManifest();
        }

        assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("io.inferstream.job.JobMain");
        assertThat(entries).contains("io/inferstream/job/JobMain.class");
        for (String runtime : RuntimeBoundariesTest.RUNTIME) {
            String folder = runtime.replace("..", "").replace('.', '/') + "/";
            assertThat(entries).as("runtime package " + runtime).anyMatch(e -> e.startsWith(folder));
        }
        for (String tooling : RuntimeBoundariesTest.TOOLING) {
            String folder = tooling.replace("..", "").replace('.', '/') + "/";
            assertThat(entries).as("tooling package " + tooling).noneMatch(e -> e.startsWith(folder));
        }
        // Libraries of the runtime: the Kafka connector and client, Avro, Jackson and SnakeYAML (relocated).
        assertThat(entries)
                .contains(
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/kafka/clients/producer/KafkaProducer.class",
                        "org/apache/avro/Schema.class")
                .anyMatch(e -> e.startsWith("io/inferstream/shaded/jackson/"))
                .anyMatch(e -> e.startsWith("io/inferstream/shaded/snakeyaml/"));
        // Libraries of the tooling, of the cluster (Flink itself) or of Flink's lib/ (ONNX Runtime, logging).
        for (String absent : List.of(
                "picocli/",
                "io/inferstream/shaded/picocli/",
                "kafka/server/",
                "kafka/Kafka.class",
                "org/apache/kafka/raft/",
                "scala/",
                "org/tribuo/",
                "org/apache/kafka/streams/",
                "org/rocksdb/",
                "ai/onnx/proto/",
                "org/ejml/",
                "ai/onnxruntime/",
                "org/apache/logging/log4j/",
                "org/apache/flink/streaming/api/environment/")) {
            assertThat(entries).as(absent).noneMatch(e -> e.startsWith(absent));
        }
    }

    private static Path jobJar() throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("target"), "inferstream-*-job.jar")) {
            found.forEach(jars::add);
        }
        assertThat(jars).as("the job jar `package` builds under target/").hasSize(1);
        return jars.get(0);
    }
}
