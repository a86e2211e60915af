package io.inferstream.flink;

import io.inferstream.config.StreamJobSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a job's checkpoints and savepoints lie under its checkpoint.dir, and which of them a
 * restart resumes from. Layout: {@code DIR/JOB_NAME/JOB_ID/chk-N} (Flink's own, one JOB_ID per
 * run) and {@code DIR/JOB_NAME/savepoints/savepoint-...}. A checkpoint or savepoint is complete
 * once its {@code _metadata} file exists: Flink writes it last.
 */
public final class JobCheckpoints {
    static final String METADATA = "_metadata";

    private JobCheckpoints() {}

    /** The job's folder: DIR/JOB_NAME, absolute; the name is kept to letters, digits, '.', '_' and '-'. */
    public static Path jobDir(StreamJobSettings s) {
        if (s.checkpointDir == null) {
            throw new IllegalStateException("job " + s.jobName + " has no checkpoint.dir");
        }
        return jobDir(Path.of(s.checkpointDir), s.jobName);
    }

    static Path jobDir(Path checkpointDir, String jobName) {
        return checkpointDir.toAbsolutePath().normalize().resolve(jobName.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /** Where Ctrl-C of {@code run} (and a savepoint without a target) puts the job's savepoints. */
    public static Path savepointsDir(Path jobDir) {
        return jobDir.resolve("savepoints");
    }

    /**
     * The newest complete checkpoint or savepoint of the job, by the time its {@code _metadata} was
     * written; empty when there is none. Checkpoint numbers restart in every run's JOB_ID folder
     * and savepoints have none, so the time is what orders them.
     */
    public static Optional<Path> latest(Path jobDir) {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        // DIR/JOB_NAME/JOB_ID/chk-N/_metadata and DIR/JOB_NAME/savepoints/savepoint-*/_metadata: depth 3.
        try (Stream<Path> files = Files.find(
                jobDir,
                3,
                (path, attributes) -> attributes.isRegularFile()
                        && path.getFileName().toString().equals(METADATA)
                        && isSnapshotDir(path.getParent()))) {
            return files.max(Comparator.comparing(JobCheckpoints::modified)).map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + jobDir + " for checkpoints", e);
        }
    }

    private static boolean isSnapshotDir(Path dir) {
        String name = dir.getFileName().toString();
        return name.matches("chk-\\d+") || name.startsWith("savepoint-");
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            // Removed while searching (a checkpoint subsumed by a running job): the oldest of all.
            return FileTime.fromMillis(0);
        }
    }
}
