package io.inferstream.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An ONNX model's bytes and where they came from (named in errors). Jobs read them through
 * Flink's file systems, so a model can live on any path or URI the cluster can read.
 */
public record ModelBytes(byte[] bytes, String location) {

    /** Reads a local model file, or fails naming the path. */
    public static ModelBytes of(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelContractException("model file '" + file + "' does not exist or is not a file");
        }
        try {
            return new ModelBytes(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new ModelContractException("cannot read model file '" + file + "': " + e.getMessage(), e);
        }
    }
}
