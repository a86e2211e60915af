package io.inferstream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where local runs keep their temporary files: under target/, never in /tmp. */
final class RunDirs {

    private RunDirs() {}

    static Path base() {
        Path base = Path.of(System.getProperty("inferstream.run.dir", "target/run"));
        try {
            return Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + base, e);
        }
    }
}
