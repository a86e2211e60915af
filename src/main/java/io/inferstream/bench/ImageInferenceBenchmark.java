package io.inferstream.bench;

import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.image.ImageDecoder;
import io.inferstream.image.ImagePreprocessor;
import io.inferstream.inference.ImageModelOverrides;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.ModelBytes;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.inference.OnnxOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Runtime alone classifying the bundled sample images, already decoded and preprocessed, in
 * batches: the inference ceiling of the image job, on one execution provider or several.
 */
public final class ImageInferenceBenchmark {
    private final Path modelPath;
    private final int images;
    private final PrintStream out;
    private final List<float[]> decoded;

    /** Decodes the sample images once; each measurement classifies at least {@code images} of them. */
    public ImageInferenceBenchmark(String modelPath, int images, PrintStream out) {
        this.modelPath = Path.of(modelPath);
        this.images = Math.max(images, 20_000);
        this.out = out;
        this.decoded = decodeSamples(OnnxImageClassifier.inspect(this.modelPath, ImageModelOverrides.none()));
    }

    /** One measurement per provider and batch size, then a Markdown table of them all. */
    public void runAll(List<OnnxOptions> providers, List<Integer> batchSizes) {
        for (OnnxOptions onnx : providers) {
            // A provider that cannot run here fails now, not after the others' measurements.
            OnnxImageClassifier.inspect(ModelBytes.of(modelPath), ImageModelOverrides.none(), onnx);
        }
        List<String> rows = new ArrayList<>();
        for (OnnxOptions onnx : providers) {
            for (int batch : batchSizes) {
                double[] result = measure(onnx, batch);
                rows.add(String.format("| %s | %d | %.0f | %.2f |", onnx.describe(), batch, result[0], result[1]));
            }
        }
        out.println();
        out.printf(
                "ONNX Runtime alone (%s, %d intra-op thread(s)), %d decoded images per run after a warm-up:%n%n",
                modelPath.getFileName(), providers.get(0).intraOpThreads(), images);
        out.println("| provider | batch | images/s | us/image |");
        out.println("|---|---:|---:|---:|");
        rows.forEach(out::println);
    }

    /** Classifies the images in batches of {@code batch} after a warm-up: {images per second, microseconds per image}. */
    public double[] measure(OnnxOptions onnx, int batch) {
        try (OnnxImageClassifier classifier =
                OnnxImageClassifier.load(modelPath, ImageModelOverrides.none(), batch, onnx)) {
            classifyAll(classifier, images / 4, batch); // warm-up (on a GPU: kernel selection, memory pools)
            long start = System.nanoTime();
            classifyAll(classifier, images, batch);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(
                    "  %-44s %8.0f images/s%n",
                    "ONNX Runtime alone, " + onnx.describe() + ", batch " + batch + ":", images / seconds);
            return new double[] {images / seconds, seconds * 1e6 / images};
        }
    }

    private void classifyAll(OnnxImageClassifier classifier, int total, int batch) {
        for (int done = 0; done < total; done += batch) {
            List<float[]> rows = new ArrayList<>(batch);
            for (int j = 0; j < batch; j++) {
                rows.add(decoded.get((done + j) % decoded.size()));
            }
            classifier.classify(rows);
        }
    }

    private static List<float[]> decodeSamples(ImageModelSpec spec) {
        SampleImages samples = SampleImages.loadBundled();
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec);
        ImageDecoder decoder = new ImageDecoder(16_000_000);
        List<float[]> decoded = new ArrayList<>();
        try {
            for (int i = 0; i < samples.size(); i++) {
                decoded.add(preprocessor.toTensor(decoder.decode(samples.png(i))));
            }
        } catch (Exception e) {
            throw new IllegalStateException("sample image does not decode", e);
        }
        return decoded;
    }
}
