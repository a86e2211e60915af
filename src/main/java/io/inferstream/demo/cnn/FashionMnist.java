package io.inferstream.demo.cnn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The Fashion-MNIST data set: its files, class names and the demo model's normalization. */
public final class FashionMnist {

    /** Where the Debian package {@code dataset-fashion-mnist} installs the gzipped IDX files. */
    public static final Path DEBIAN_DATASET_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    /** Where the repository keeps the bundled sample, relative to its root. */
    public static final Path SAMPLE_DIR = Path.of("data/fashion-mnist-sample");

    /** The bundled sample: the first {@value #SAMPLE_SIZE} test images and their labels. */
    public static final int SAMPLE_SIZE = 500;

    public static final String SAMPLE_IMAGES = "t10k-500-images-idx3-ubyte.gz";
    public static final String SAMPLE_LABELS = "t10k-500-labels-idx1-ubyte.gz";

    /** Class names in label order 0 to 9, as published with the data set. */
    public static final List<String> LABELS = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public static final int ROWS = 28;
    public static final int COLS = 28;

    /** Pixel scale to [0, 1]; written into the model so the streaming job applies the same. */
    public static final double SCALE = 1.0 / 255.0;

    /** Mean and standard deviation of the scaled training pixels (the commonly quoted values). */
    public static final double MEAN = 0.2860;

    public static final double STD = 0.3530;

    /** The normalization above, as the model's metadata states it. */
    public static final PixelNormalization NORMALIZATION = new PixelNormalization(SCALE, MEAN, STD);

    private FashionMnist() {}

    /** Images and labels of one split, checked to match each other and the 28x28 size. */
    public record Split(IdxFiles.Images images, byte[] labels) {

        public Split {
            if (images.count() != labels.length) {
                throw new IllegalArgumentException("split has " + images.count() + " images but " + labels.length
                        + " labels; expected equal counts");
            }
            if (images.rows() != ROWS || images.cols() != COLS) {
                throw new IllegalArgumentException("images are " + images.rows() + "x" + images.cols()
                        + ", expected Fashion-MNIST's " + ROWS + "x" + COLS);
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= LABELS.size()) {
                    throw new IllegalArgumentException(
                            "label " + i + " is " + labels[i] + ", expected 0 to " + (LABELS.size() - 1));
                }
            }
        }

        /** Number of examples. */
        public int count() {
            return labels.length;
        }
    }

    /** Loads one split from a pair of gzipped IDX files. */
    public static Split load(Path imagesFile, Path labelsFile) throws IOException {
        return new Split(IdxFiles.readImages(imagesFile), IdxFiles.readLabels(labelsFile));
    }

    /** Loads the 60,000 training images from a directory laid out like the Debian package. */
    public static Split loadTrain(Path datasetDir) throws IOException {
        return load(require(datasetDir, TRAIN_IMAGES), require(datasetDir, TRAIN_LABELS));
    }

    /** Loads the 10,000 test images from a directory laid out like the Debian package. */
    public static Split loadTest(Path datasetDir) throws IOException {
        return load(require(datasetDir, TEST_IMAGES), require(datasetDir, TEST_LABELS));
    }

    /** Loads the bundled sample from a directory such as {@link #SAMPLE_DIR}. */
    public static Split loadSample(Path sampleDir) throws IOException {
        return load(sampleDir.resolve(SAMPLE_IMAGES), sampleDir.resolve(SAMPLE_LABELS));
    }

    /** Writes the first {@value #SAMPLE_SIZE} examples of {@code test} as the bundled sample. */
    public static void writeSample(Split test, Path sampleDir) throws IOException {
        IdxFiles.writeImages(sampleDir.resolve(SAMPLE_IMAGES), test.images().first(SAMPLE_SIZE));
        IdxFiles.writeLabels(sampleDir.resolve(SAMPLE_LABELS), Arrays.copyOf(test.labels(), SAMPLE_SIZE));
    }

    private static Path require(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IOException("missing " + file + "; install the Debian package"
                    + " dataset-fashion-mnist or pass the directory holding " + name);
        }
        return file;
    }
}
