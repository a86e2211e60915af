package io.inferstream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deletes the folders that local runs and tests create. */
public final class FileTrees {

    private FileTrees() {}

    /** Deletes a folder and everything in it; a missing folder is fine. */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** As {@link #delete}, reporting a failure on standard error instead of throwing (shutdown paths). */
    public static void deleteQuietly(Path root) {
        // Other shutdown hooks may be removing files in the same tree at the same time: try again.
        for (int attempt = 1; ; attempt++) {
            try {
                delete(root);
                return;
            } catch (UncheckedIOException e) {
                if (attempt == 3) {
                    System.err.println(
                            "could not remove " + root + ": " + e.getCause().getMessage());
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
