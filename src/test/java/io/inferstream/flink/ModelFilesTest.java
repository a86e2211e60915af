package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.inference.ModelContractException;
import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAModelOverTheLimitBeforeReadingIt() throws Exception {
        // Sparse: 3 GiB on paper, no blocks on disk. Read whole it could not even fit one array.
        Path huge = dir.resolve("huge.onnx");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(3L << 30);
        }

        for (String location : new String[] {huge.toString(), huge.toUri().toString()}) {
            assertThatThrownBy(() -> ModelFiles.read(location, 256L << 20, "model-updates.max-bytes"))
                    .isInstanceOf(ModelContractException.class)
                    .hasMessage("model '" + location + "' is 3,221,225,472 bytes; expected at most 268,435,456"
                            + " bytes (model-updates.max-bytes)");
        }
    }

    @Test
    void shouldReadAModelUpToTheLimit() throws Exception {
        Path model = Files.write(dir.resolve("m.onnx"), new byte[] {1, 2, 3, 4});

        assertThat(ModelFiles.read(model.toString(), 4, "limit").bytes()).containsExactly(1, 2, 3, 4);
        assertThat(ModelFiles.read(model.toUri().toString(), 4, "limit").bytes())
                .containsExactly(1, 2, 3, 4);
        assertThatThrownBy(() -> ModelFiles.read(model.toString(), 3, "limit")).hasMessageContaining("is 4 bytes");
    }

    @Test
    void shouldStopReadingAStreamLongerThanItsFileSystemSaid() throws Exception {
        byte[] ten = new byte[10];

        assertThat(ModelFiles.readAtMost(new ByteArrayInputStream(ten), 4, 10, "m", "limit"))
                .hasSize(10);
        assertThatThrownBy(() -> ModelFiles.readAtMost(new ByteArrayInputStream(ten), 4, 8, "m", "limit"))
                .hasMessage("model 'm' grew past the limit while being read; expected at most 8 bytes (limit)");
    }
}
