package io.inferstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.image.ImagePreprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The execution provider of a session: CUDA refused clearly where it cannot run, or a CPU fallback. */
class OnnxSessionsTest {
    private static final Path MODEL = Path.of("models/fashion-cnn.onnx");
    private static final OnnxOptions CUDA = OnnxOptions.cuda(1, 0);

    /** True for the GPU build (-Pgpu), whether or not this machine can run it. */
    private static boolean cudaBuild() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** No NVIDIA driver here: CUDA cannot work, whichever ONNX Runtime build is on the class path. */
    private static boolean noNvidiaDriver() {
        return !Files.exists(Path.of("/dev/nvidiactl"));
    }

    @Test
    void shouldRefuseCudaOnTheCpuBuildNamingTheKeyTheBuildAndTheWayOut() {
        assumeFalse(cudaBuild(), "ONNX Runtime on the class path is the GPU build");

        assertThatThrownBy(() -> OnnxImageClassifier.load(MODEL, ImageModelOverrides.none(), 4, CUDA))
                .isInstanceOf(ExecutionProviderException.class)
                .hasMessageStartingWith("onnx.execution-provider = 'cuda': this ONNX Runtime"
                        + " (com.microsoft.onnxruntime:onnxruntime 1.28.0) has only the providers [CPU]")
                .hasMessageContaining("build with -Pgpu")
                .hasMessageContaining("CUDA 12 and cuDNN 9")
                .hasMessageContaining("or set onnx.fallback-to-cpu: true");
    }

    @Test
    void shouldRefuseCudaWhereItCannotRunWhicheverBuildIsOnTheClassPath() {
        assumeFalse(!noNvidiaDriver() && cudaBuild(), "CUDA may work here");

        // The CPU build lacks the provider; the GPU build has it, but its libraries or device are missing.
        assertThatThrownBy(() -> OnnxImageClassifier.load(MODEL, ImageModelOverrides.none(), 4, CUDA))
                .isInstanceOf(ExecutionProviderException.class)
                .hasMessageStartingWith("onnx.execution-provider = 'cuda': ")
                .hasMessageContaining("onnx.fallback-to-cpu: true");
    }

    @Test
    void shouldCheckTheProviderWithoutASessionWhereTheJobIsSubmitted() {
        assumeFalse(cudaBuild(), "ONNX Runtime on the class path is the GPU build");

        assertThatThrownBy(() -> OnnxSessions.checkProvider(CUDA))
                .isInstanceOf(ExecutionProviderException.class)
                .hasMessageStartingWith("onnx.execution-provider = 'cuda': ");
        assertThat(OnnxSessions.checkProvider(CUDA.withFallbackToCpu(true))).isEqualTo(OnnxOptions.CPU);
        assertThat(OnnxSessions.checkProvider(OnnxOptions.CPU)).isEqualTo(OnnxOptions.CPU);
    }

    @Test
    void shouldClassifyAsOnTheCpuWhenCudaMayFallBack() {
        List<float[]> images = sampleImages(8);

        float[][] onCpu = classify(OnnxOptions.CPU, images);
        float[][] withCuda = classify(CUDA.withFallbackToCpu(true), images);

        // Equal after a fallback; where CUDA really runs, its kernels may round a little differently.
        for (int i = 0; i < images.size(); i++) {
            assertThat(withCuda[i]).as("image %d", i).containsExactly(onCpu[i], within(1e-4f));
        }
        assertThat(Scores.topK(onCpu[0], 1)).isEqualTo(Scores.topK(withCuda[0], 1));
    }

    private static float[][] classify(OnnxOptions onnx, List<float[]> images) {
        try (OnnxImageClassifier classifier =
                OnnxImageClassifier.load(MODEL, ImageModelOverrides.none(), images.size(), onnx)) {
            return classifier.classify(images);
        }
    }

    private static List<float[]> sampleImages(int count) {
        SampleImages samples = SampleImages.loadBundled();
        ImagePreprocessor preprocessor =
                new ImagePreprocessor(OnnxImageClassifier.inspect(MODEL, ImageModelOverrides.none()));
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(preprocessor.toTensor(samples.image(i)));
        }
        return images;
    }
}
