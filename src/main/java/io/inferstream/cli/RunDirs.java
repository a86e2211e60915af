package io.inferstream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where local runs keep their temporary files: under target/, never in /tmp. */
final class RunDirs {

    private RunDirs() {}

    /**
     * Where a command puts what it deletes on exit (a temporary broker, the demo's run): inside the
     * launcher's per-JVM temp folder where there is one, so that a JVM killed with SIGKILL leaves
     * nothing the launcher's next start does not remove; else under {@link #base()}.
     */
    static Path scratch() {
        String tmp = System.getProperty("inferstream.run.tmp");
        if (tmp == null) {
            return base();
        }
        try {
            return Files.createDirectories(Path.of(tmp));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp, e);
        }
    }

    static Path base() {
        Path base = Path.of(System.getProperty("inferstream.run.dir", "target/run"));
        try {
            return Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + base, e);
        }
    }
}
