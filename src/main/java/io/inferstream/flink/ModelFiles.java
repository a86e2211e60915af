package io.inferstream.flink;

import io.inferstream.inference.ModelBytes;
import io.inferstream.inference.ModelContractException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.flink.core.fs.FileSystem;

/**
 * Reads a model from wherever the configuration points: a local path, or any URI one of Flink's
 * file systems serves (file:, hdfs:, s3: with its plugin, ...). On a cluster the TaskManagers
 * read it themselves, so it must be a location every TaskManager can reach.
 */
public final class ModelFiles {

    private ModelFiles() {}

    /** Whether the location has a URI scheme (s3://..., file:/...) rather than being a plain path. */
    public static boolean isUri(String location) {
        return location.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*");
    }

    public static ModelBytes read(String location) {
        if (!isUri(location)) {
            return ModelBytes.of(Path.of(location));
        }
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(location);
        try {
            FileSystem fs = path.getFileSystem();
            try (InputStream in = fs.open(path)) {
                return new ModelBytes(in.readAllBytes(), location);
            }
        } catch (IOException e) {
            throw new ModelContractException("cannot read model '" + location + "': " + e.getMessage(), e);
        }
    }
}
