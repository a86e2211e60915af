package io.inferstream.flink;

import io.inferstream.inference.ModelBytes;
import io.inferstream.inference.ModelContractException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.flink.core.fs.FileSystem;

/**
 * Reads a model from wherever the configuration points: a local path, or any URI one of Flink's
 * file systems serves (file:, hdfs:, s3: with its plugin, ...). On a cluster the TaskManagers
 * read it themselves, so it must be a location every TaskManager can reach.
 */
public final class ModelFiles {
    /** The most a model can have: a Java array, and ONNX's protobuf, stop just short of 2 GiB. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private ModelFiles() {}

    /** Whether the location has a URI scheme (s3://..., file:/...) rather than being a plain path. */
    public static boolean isUri(String location) {
        return location.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*");
    }

    /** Reads a model the configuration names, up to the most a model can have. */
    public static ModelBytes read(String location) {
        return read(location, MAX_BYTES, "the most an ONNX model can have");
    }

    /**
     * Reads a model of at most {@code maxBytes}, {@code limit} naming where that bound comes from:
     * the size the file system reports is checked before anything is read, and the read stops
     * once past the bound, should the file have grown since.
     */
    public static ModelBytes read(String location, long maxBytes, String limit) {
        if (!isUri(location)) {
            Path file = Path.of(location);
            if (!Files.isRegularFile(file)) {
                throw new ModelContractException("model file '" + file + "' does not exist or is not a file");
            }
            try {
                checkSize(location, Files.size(file), maxBytes, limit);
                try (InputStream in = Files.newInputStream(file)) {
                    return new ModelBytes(readAtMost(in, Files.size(file), maxBytes, location, limit), location);
                }
            } catch (IOException e) {
                throw new ModelContractException("cannot read model file '" + file + "': " + e.getMessage(), e);
            }
        }
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(location);
        try {
            FileSystem fs = path.getFileSystem();
            long size = fs.getFileStatus(path).getLen();
            checkSize(location, size, maxBytes, limit);
            try (InputStream in = fs.open(path)) {
                return new ModelBytes(readAtMost(in, size, maxBytes, location, limit), location);
            }
        } catch (IOException e) {
            throw new ModelContractException("cannot read model '" + location + "': " + e.getMessage(), e);
        }
    }

    private static void checkSize(String location, long size, long maxBytes, String limit) {
        if (size > maxBytes) {
            throw tooLarge(location, String.format(Locale.ROOT, "is %,d bytes", size), maxBytes, limit);
        }
    }

    /** The stream's bytes, refused once past {@code maxBytes}; {@code expected} only sizes the first read. */
    static byte[] readAtMost(InputStream in, long expected, long maxBytes, String location, String limit)
            throws IOException {
        byte[] head = in.readNBytes((int) Math.min(Math.max(expected, 0), maxBytes));
        byte[] tail = in.readNBytes((int) (maxBytes - head.length) + 1);
        if (tail.length == 0) {
            return head;
        }
        if (head.length + (long) tail.length > maxBytes) {
            throw tooLarge(location, "grew past the limit while being read", maxBytes, limit);
        }
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static ModelContractException tooLarge(String location, String what, long maxBytes, String limit) {
        return new ModelContractException(String.format(
                Locale.ROOT, "model '%s' %s; expected at most %,d bytes (%s)", location, what, maxBytes, limit));
    }
}
