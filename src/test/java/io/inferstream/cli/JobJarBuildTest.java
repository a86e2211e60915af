package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJarBuildTest {
    private static final Instant BUILT = Instant.parse("2025-06-01T12:00:00Z");
    private static final Path JAR = Path.of("target/inferstream-job.jar");

    @TempDir
    Path root;

    @BeforeEach
    void projectBuiltAfterItsSources() throws IOException {
        for (String file : new String[] {
            "pom.xml", "src/main/java/io/inferstream/A.java", "src/main/resources/a.txt", "schemas/Tick.avsc"
        }) {
            write(file, BUILT.minusSeconds(60));
        }
        write(JAR.toString(), BUILT);
    }

    @Test
    void shouldBuildAMissingJar() throws IOException {
        Files.delete(root.resolve(JAR));

        assertThat(JobJarBuild.staleness(root, JAR)).hasValue(JAR + " does not exist");
    }

    @Test
    void shouldKeepAJarNewerThanEverySource() {
        assertThat(JobJarBuild.staleness(root, JAR)).isEmpty();
    }

    @Test
    void shouldRebuildWhenAFileUnderSrcMainChanged() throws IOException {
        write("src/main/resources/a.txt", BUILT.plusSeconds(1));

        assertThat(JobJarBuild.staleness(root, JAR))
                .hasValue(Path.of("src/main/resources/a.txt") + " changed after " + JAR + " was built");
    }

    @Test
    void shouldRebuildWhenASchemaOrThePomChanged() throws IOException {
        write("schemas/Tick.avsc", BUILT.plusSeconds(1));
        assertThat(JobJarBuild.staleness(root, JAR)).hasValueSatisfying(why -> assertThat(why)
                .startsWith(Path.of("schemas/Tick.avsc").toString()));

        write("schemas/Tick.avsc", BUILT.minusSeconds(1));
        write("pom.xml", BUILT.plusSeconds(1));
        assertThat(JobJarBuild.staleness(root, JAR))
                .hasValueSatisfying(why -> assertThat(why).startsWith("pom.xml changed"));
    }

    @Test
    void shouldIgnoreFilesThatAreNoSourceOfTheJar() throws IOException {
        write("src/test/java/io/inferstream/ATest.java", BUILT.plusSeconds(1));
        write("docs/cli.md", BUILT.plusSeconds(1));
        write("target/classes/io/inferstream/A.class", BUILT.plusSeconds(1));

        assertThat(JobJarBuild.staleness(root, JAR)).isEmpty();
    }

    private void write(String relative, Instant modified) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, relative);
        }
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }
}
