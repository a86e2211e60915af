package io.inferstream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Helpers to launch child JVMs on the project's Maven-resolved class path and to read their logs. */
public final class ChildJvm {

    /** System property naming the class-path file; relative paths resolve against the working directory. */
    public static final String CLASSPATH_FILE_PROPERTY = "inferstream.classpath.file";

    public static final String DEFAULT_CLASSPATH_FILE = "target/classpath.txt";

    private ChildJvm() {}

    /** The file holding the class path, as configured by {@value #CLASSPATH_FILE_PROPERTY}. */
    public static Path classPathFile() {
        return Path.of(System.getProperty(CLASSPATH_FILE_PROPERTY, DEFAULT_CLASSPATH_FILE));
    }

    /**
     * Reads the class path written by the build (maven-dependency-plugin build-classpath), so child
     * JVMs see the broker jars that are deliberately kept out of the job jar.
     */
    public static String classPath(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Class-path file "
                    + file.toAbsolutePath()
                    + " does not exist; expected the class path written by the build. Create it with"
                    + " `./mvnw -q -DskipTests package` (or `mvn generate-resources`), or point system"
                    + " property "
                    + CLASSPATH_FILE_PROPERTY
                    + " at an existing file.");
        }
        String classPath;
        try {
            classPath = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read class-path file " + file.toAbsolutePath(), e);
        }
        if (classPath.isEmpty()) {
            throw new IllegalStateException("Class-path file " + file.toAbsolutePath()
                    + " is empty; expected a class path." + " Recreate it with `mvn generate-resources`.");
        }
        return classPath;
    }

    /** The {@code java} launcher of the running JVM, so children run on the same Java version. */
    public static String javaExecutable() {
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        return ProcessHandle.current()
                .info()
                .command()
                .orElseThrow(() -> new IllegalStateException("Cannot find the java launcher: " + fromHome
                        + " is not executable and the" + " current process reports no command."));
    }

    /** The last {@code maxLines} lines of a log file, or a note when it does not exist. */
    public static String tail(Path file, int maxLines) {
        if (!Files.isRegularFile(file)) {
            return "(no " + file.getFileName() + ")";
        }
        // Read only the end: a broker that ran for hours before failing may have a large log.
        int maxBytes = 200 * maxLines;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long start = Math.max(0, channel.size() - maxBytes);
            ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
            channel.position(start);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading until the buffer is full or the file ends
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            List<String> lines = Arrays.asList(text.split("\\R"));
            return String.join(
                    System.lineSeparator(), lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
