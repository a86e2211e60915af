package io.inferstream.demo.cnn;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The bundled Fashion-MNIST test images (data/fashion-mnist-sample) with their true labels,
 * encoded as PNG files on demand: what the demo, the tests and the benchmark feed the job.
 */
public final class SampleImages {
    private static final String KEY_PREFIX = "fmnist-test-";

    private final IdxFiles.Images images;
    private final byte[] labels;

    public SampleImages(IdxFiles.Images images, byte[] labels) {
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(
                    images.count() + " images but " + labels.length + " labels; expected one label per image");
        }
        this.images = images;
        this.labels = labels;
    }

    /** The sample committed under data/fashion-mnist-sample (relative to the working directory). */
    public static SampleImages loadBundled() {
        return load(FashionMnist.SAMPLE_DIR);
    }

    public static SampleImages load(Path dir) {
        try {
            return new SampleImages(
                    IdxFiles.readImages(dir.resolve(FashionMnist.SAMPLE_IMAGES)),
                    IdxFiles.readLabels(dir.resolve(FashionMnist.SAMPLE_LABELS)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled sample images in " + dir, e);
        }
    }

    public int size() {
        return labels.length;
    }

    public int label(int index) {
        return labels[index];
    }

    public String labelName(int index) {
        return labelNames().get(labels[index]);
    }

    public static List<String> labelNames() {
        return FashionMnist.LABELS;
    }

    /** The Kafka key of an image: its index in the test set, e.g. fmnist-test-00042. */
    public static String key(int index) {
        return String.format("%s%05d", KEY_PREFIX, index);
    }

    /** The index named by a key from {@link #key}, or -1 for any other key. */
    public static int indexOfKey(String key) {
        if (key == null || !key.startsWith(KEY_PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(key.substring(KEY_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The raw pixels of an image, row by row, one byte (0-255) each. */
    public byte[] pixels(int index) {
        return images.pixels()[index].clone();
    }

    /** The image as an 8-bit grayscale picture, pixel values exactly as in the dataset. */
    public BufferedImage image(int index) {
        BufferedImage image = new BufferedImage(images.cols(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, images.cols(), images.rows(), images.pixels()[index]);
        return image;
    }

    /** Every image encoded as a PNG file, in order. */
    public byte[][] pngs() {
        byte[][] pngs = new byte[size()][];
        for (int i = 0; i < pngs.length; i++) {
            pngs[i] = png(i);
        }
        return pngs;
    }

    /** The image encoded as a PNG file. */
    public byte[] png(int index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            ImageIO.write(image(index), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
