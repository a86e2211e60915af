package io.inferstream.demo.cnn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/** Reads and writes gzipped IDX files (the MNIST format): unsigned-byte images and labels. */
public final class IdxFiles {

    /** Magic number of an unsigned-byte IDX file with three dimensions (count, rows, columns). */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** Magic number of an unsigned-byte IDX file with one dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;

    /** Larger dimensions are certainly a corrupt header, and would overflow an array index. */
    private static final int MAX_DIMENSION = 1 << 24;

    private IdxFiles() {}

    /**
     * Images of one IDX file, each a row-major array of {@code rows * cols} unsigned bytes.
     *
     * @param rows pixel rows per image
     * @param cols pixel columns per image
     * @param pixels one array per image; read a pixel as {@code pixels[i][p] & 0xFF}
     */
    public record Images(int rows, int cols, byte[][] pixels) {

        public Images {
            if (rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException(
                        "image size " + rows + "x" + cols + " must be positive in both dimensions");
            }
            for (int i = 0; i < pixels.length; i++) {
                if (pixels[i].length != rows * cols) {
                    throw new IllegalArgumentException("image " + i + " has " + pixels[i].length + " pixels, expected "
                            + rows + "x" + cols + " = " + rows * cols);
                }
            }
        }

        /** Number of images. */
        public int count() {
            return pixels.length;
        }

        /** The first {@code n} images, sharing their pixel arrays with this instance. */
        public Images first(int n) {
            if (n < 0 || n > pixels.length) {
                throw new IllegalArgumentException("cannot take the first " + n + " of " + pixels.length + " images");
            }
            return new Images(rows, cols, Arrays.copyOf(pixels, n));
        }
    }

    /** Reads a gzipped idx3-ubyte file of images. */
    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = openGzip(file)) {
            int magic = in.readInt();
            checkMagic(file, magic, IMAGES_MAGIC, "unsigned-byte images, 3 dimensions");
            int count = readDimension(in, file, "image count");
            int rows = readDimension(in, file, "rows");
            int cols = readDimension(in, file, "columns");
            if ((long) rows * cols > MAX_DIMENSION) {
                throw new IOException(file + ": IDX header gives images of " + rows + "x" + cols
                        + " pixels, expected at most " + MAX_DIMENSION + " pixels per image");
            }
            byte[][] pixels = new byte[count][rows * cols];
            for (int i = 0; i < count; i++) {
                readFully(in, pixels[i], file, "image " + i + " of " + count);
            }
            return new Images(rows, cols, pixels);
        } catch (EOFException e) {
            throw new IOException(file + ": IDX header is truncated", e);
        }
    }

    /** Reads a gzipped idx1-ubyte file of labels. */
    public static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = openGzip(file)) {
            int magic = in.readInt();
            checkMagic(file, magic, LABELS_MAGIC, "unsigned-byte labels, 1 dimension");
            byte[] labels = new byte[readDimension(in, file, "label count")];
            readFully(in, labels, file, "labels");
            return labels;
        } catch (EOFException e) {
            throw new IOException(file + ": IDX header is truncated", e);
        }
    }

    /** Writes images as a gzipped idx3-ubyte file, creating parent directories. */
    public static void writeImages(Path file, Images images) throws IOException {
        try (DataOutputStream out = createGzip(file)) {
            out.writeInt(IMAGES_MAGIC);
            out.writeInt(images.count());
            out.writeInt(images.rows());
            out.writeInt(images.cols());
            for (byte[] image : images.pixels()) {
                out.write(image);
            }
        }
    }

    /** Writes labels as a gzipped idx1-ubyte file, creating parent directories. */
    public static void writeLabels(Path file, byte[] labels) throws IOException {
        try (DataOutputStream out = createGzip(file)) {
            out.writeInt(LABELS_MAGIC);
            out.writeInt(labels.length);
            out.write(labels);
        }
    }

    private static DataInputStream openGzip(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)));
        } catch (ZipException e) {
            raw.close();
            throw new IOException(
                    file + ": not a gzip file (" + e.getMessage()
                            + "); expected a gzipped IDX file such as t10k-images-idx3-ubyte.gz",
                    e);
        }
    }

    private static DataOutputStream createGzip(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(raw, 1 << 16)));
    }

    private static void checkMagic(Path file, int actual, int expected, String meaning) throws IOException {
        if (actual != expected) {
            throw new IOException(String.format(
                    "%s: IDX magic number is 0x%08X, expected 0x%08X (%s)", file, actual, expected, meaning));
        }
    }

    private static int readDimension(DataInputStream in, Path file, String what) throws IOException {
        int value = in.readInt();
        if (value < 0 || value > MAX_DIMENSION) {
            throw new IOException(
                    file + ": IDX header gives " + what + " " + value + ", expected 0 to " + MAX_DIMENSION);
        }
        return value;
    }

    private static void readFully(DataInputStream in, byte[] into, Path file, String what) throws IOException {
        try {
            in.readFully(into);
        } catch (EOFException e) {
            throw new IOException(
                    file + ": file ends inside " + what + "; the header promises more data than the file holds", e);
        }
    }
}
