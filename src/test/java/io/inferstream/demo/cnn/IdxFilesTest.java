package io.inferstream.demo.cnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWrittenImagesAndLabels() throws IOException {
        byte[][] pixels = {{0, 1, 2, 3, 4, (byte) 255}, {9, 8, 7, 6, 5, (byte) 128}};
        byte[] labels = {3, 9};
        Path imagesFile = dir.resolve("sub/images-idx3-ubyte.gz");
        Path labelsFile = dir.resolve("sub/labels-idx1-ubyte.gz");

        IdxFiles.writeImages(imagesFile, new IdxFiles.Images(2, 3, pixels));
        IdxFiles.writeLabels(labelsFile, labels);
        IdxFiles.Images images = IdxFiles.readImages(imagesFile);

        assertThat(images.rows()).isEqualTo(2);
        assertThat(images.cols()).isEqualTo(3);
        assertThat(images.pixels()).isDeepEqualTo(pixels);
        assertThat(IdxFiles.readLabels(labelsFile)).containsExactly(labels);
    }

    @Test
    void shouldRejectLabelsFileReadAsImages() throws IOException {
        Path labelsFile = dir.resolve("labels.gz");
        IdxFiles.writeLabels(labelsFile, new byte[] {1, 2});

        assertThatThrownBy(() -> IdxFiles.readImages(labelsFile))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("labels.gz")
                .hasMessageContaining("magic number is 0x00000801, expected 0x00000803");
    }

    @Test
    void shouldRejectHeaderWithNegativeCount() throws IOException {
        Path file = writeHeader("negative.gz", IdxFiles.IMAGES_MAGIC, -5, 28, 28);

        assertThatThrownBy(() -> IdxFiles.readImages(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("image count -5, expected 0 to");
    }

    @Test
    void shouldRejectFileShorterThanItsHeaderPromises() throws IOException {
        Path file = writeHeader("short.gz", IdxFiles.IMAGES_MAGIC, 10, 2, 2);

        assertThatThrownBy(() -> IdxFiles.readImages(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("file ends inside image 0 of 10");
    }

    @Test
    void shouldRejectTruncatedHeader() throws IOException {
        Path file = writeHeader("truncated.gz", IdxFiles.LABELS_MAGIC);

        assertThatThrownBy(() -> IdxFiles.readLabels(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("IDX header is truncated");
    }

    @Test
    void shouldRejectFileThatIsNotGzipped() throws IOException {
        Path file = dir.resolve("plain-idx3-ubyte");
        Files.write(file, new byte[] {0, 0, 8, 3, 0, 0, 0, 0});

        assertThatThrownBy(() -> IdxFiles.readImages(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a gzip file");
    }

    private Path writeHeader(String name, int... ints) throws IOException {
        Path file = dir.resolve(name);
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            for (int value : ints) {
                out.writeInt(value);
            }
        }
        return file;
    }
}
