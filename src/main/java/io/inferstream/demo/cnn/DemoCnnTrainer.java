package io.inferstream.demo.cnn;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Builds the demo Fashion-MNIST classifier {@code models/fashion-cnn.onnx}: random conv
 * features computed by ONNX Runtime, a ridge-regression softmax readout solved in closed form,
 * then an evaluation of the written file, the bundled sample and the model card.
 */
public final class DemoCnnTrainer {

    public static final int DEFAULT_FILTERS = 16;
    public static final long DEFAULT_SEED = 42L;
    public static final Path DEFAULT_MODEL = Path.of("models/fashion-cnn.onnx");
    public static final Path DEFAULT_CARD = Path.of("models/fashion-cnn.md");

    public static final String MODEL_NAME = "fashion-cnn";
    public static final long MODEL_VERSION = 1;

    /** Training images held out to choose the ridge penalty and the softmax temperature. */
    static final int VALIDATION_SIZE = 10_000;

    /** Ridge penalties relative to the features' total variance (see {@link RidgeReadout#fit}). */
    static final double[] RIDGE_ALPHAS = {1e-4, 1e-3, 1e-2, 1e-1};

    private static final TrainerConsole CONSOLE = new TrainerConsole("train-demo");

    private DemoCnnTrainer() {}

    /**
     * What training produced and measured.
     *
     * @param validation accuracy on the held-out training images of the readout fitted
     *     without them
     * @param test accuracy of the written file on the 10,000 test images
     * @param sample accuracy of the written file on the bundled sample, read back from disk
     * @param fitSeconds feature extraction, Gram matrices, penalty search and final solve
     */
    public record Result(
            int filters,
            long seed,
            double ridgeAlpha,
            double ridgeLambda,
            double temperature,
            Accuracy validation,
            Accuracy test,
            Accuracy sample,
            double fitSeconds,
            long modelBytes) {}

    /** The readout chosen on the validation split and refitted on all training images. */
    private record Readout(RidgeReadout.Fit fit, double alpha, double temperature, Accuracy validation) {}

    /**
     * Trains the model and writes it, its card and the bundled sample.
     *
     * @param datasetDir gzipped IDX files as the Debian package {@code dataset-fashion-mnist}
     *     installs them ({@link FashionMnist#DEBIAN_DATASET_DIR})
     */
    public static Result train(Path datasetDir, Path outModel, Path outCard, Path outSampleDir, int filters, long seed)
            throws IOException, OrtException {
        FashionMnist.Split train = FashionMnist.loadTrain(datasetDir);
        FashionMnist.Split test = FashionMnist.loadTest(datasetDir);
        CONSOLE.log("loaded %d training and %d test images from %s", train.count(), test.count(), datasetDir);
        float[] filterBank = DemoCnnGraphs.randomFilters(filters, seed);

        long start = System.nanoTime();
        Readout readout = fitReadout(train, filterBank, seed);
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        CONSOLE.log("fitted in %.1f s", fitSeconds);

        Map<String, String> metadata = ModelMetadata.singleChannelClassifier(
                MODEL_NAME, MODEL_VERSION, FashionMnist.LABELS, FashionMnist.NORMALIZATION);
        writeModel(outModel, filterBank, readout, metadata);
        FashionMnist.writeSample(test, outSampleDir);

        // Measured on the written file and the written sample, not on the training path.
        Accuracy testAccuracy = ClassifierEvaluator.evaluate(outModel, test);
        Accuracy sampleAccuracy = ClassifierEvaluator.evaluate(outModel, FashionMnist.loadSample(outSampleDir));
        CONSOLE.log("test accuracy %s, sample accuracy %s", testAccuracy, sampleAccuracy);

        Result result = new Result(
                filters,
                seed,
                readout.alpha(),
                readout.fit().lambda(),
                readout.temperature(),
                readout.validation(),
                testAccuracy,
                sampleAccuracy,
                fitSeconds,
                Files.size(outModel));
        Files.createDirectories(outCard.toAbsolutePath().getParent());
        Files.writeString(
                outCard,
                DemoModelCard.render(
                        result,
                        metadata,
                        TrainerConsole.relativeTo(outCard, outModel),
                        TrainerConsole.relativeTo(outCard, outSampleDir)));
        return result;
    }

    private static Readout fitReadout(FashionMnist.Split train, float[] filterBank, long seed) throws OrtException {
        int[] order = shuffledIndices(train.count(), seed);
        int[] validation = Arrays.copyOfRange(order, 0, VALIDATION_SIZE);
        int[] fitting = Arrays.copyOfRange(order, VALIDATION_SIZE, order.length);
        byte[] validationLabels = new byte[validation.length];
        for (int i = 0; i < validation.length; i++) {
            validationLabels[i] = train.labels()[validation[i]];
        }
        int classes = FashionMnist.LABELS.size();
        try (CnnFeatureRunner runner = new CnnFeatureRunner(filterBank)) {
            int features = runner.featureCount();
            double[] fittingGram = runner.gram(train, fitting);
            double[] validationGram = runner.gram(train, validation);
            float[] validationFeatures = runner.features(train.images(), validation);
            CONSOLE.log(
                    "%d features; Gram matrices of %d and %d images computed",
                    features, fitting.length, validation.length);

            RidgeReadout ridge = new RidgeReadout(fittingGram, features, classes);
            double bestAlpha = Double.NaN;
            Accuracy best = null;
            double[] bestLogits = null;
            for (double alpha : RIDGE_ALPHAS) {
                double[] logits = ridge.fit(alpha).logits(validationFeatures);
                Accuracy accuracy = Accuracy.ofScores(logits, validationLabels);
                CONSOLE.log("ridge alpha %.0e: validation accuracy %s", alpha, accuracy);
                if (best == null || accuracy.correct() > best.correct()) {
                    bestAlpha = alpha;
                    best = accuracy;
                    bestLogits = logits;
                }
            }
            double temperature = SoftmaxTemperature.fit(bestLogits, validationLabels);
            CONSOLE.log(
                    "ridge alpha %.0e chosen; softmax temperature %.3f (validation log-loss %.4f)",
                    bestAlpha, temperature, SoftmaxTemperature.logLoss(bestLogits, validationLabels, temperature));

            for (int i = 0; i < fittingGram.length; i++) {
                fittingGram[i] += validationGram[i];
            }
            RidgeReadout.Fit all = new RidgeReadout(fittingGram, features, classes).fit(bestAlpha);
            return new Readout(all, bestAlpha, temperature, best);
        }
    }

    private static void writeModel(Path outModel, float[] filterBank, Readout readout, Map<String, String> metadata)
            throws IOException {
        String doc = String.format(
                Locale.ROOT,
                "Fashion-MNIST classifier: %d fixed random"
                        + " zero-mean 5x5 convolution filters, ReLU, 2x2 max pooling and a softmax"
                        + " readout fitted by ridge regression (alpha %.0e) with temperature %.3f."
                        + " Input: normalized images [N,1,28,28]; output: class probabilities [N,10].",
                DemoCnnGraphs.filterCount(filterBank),
                readout.alpha(),
                readout.temperature());
        byte[] model = DemoCnnGraphs.classifier(
                        filterBank,
                        readout.fit().scaledWeights(readout.temperature()),
                        readout.fit().scaledBias(readout.temperature()),
                        doc,
                        metadata)
                .toByteArray();
        Files.createDirectories(outModel.toAbsolutePath().getParent());
        Files.write(outModel, model);
        CONSOLE.log("wrote %s (%d bytes)", outModel, model.length);
    }

    private static int[] shuffledIndices(int count, long seed) {
        if (count <= VALIDATION_SIZE) {
            throw new IllegalArgumentException(
                    "training split has " + count + " images, expected more than the " + VALIDATION_SIZE + " held out");
        }
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /**
     * Command line: {@code [--dataset-dir DIR] [--model FILE] [--card FILE] [--sample-dir DIR]
     * [--filters N] [--seed S]}, paths relative to the working directory (the repository root).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = TrainerConsole.parseOptions(
                args, List.of("--dataset-dir", "--model", "--card", "--sample-dir", "--filters", "--seed"));
        Result result = train(
                Path.of(options.getOrDefault("--dataset-dir", FashionMnist.DEBIAN_DATASET_DIR.toString())),
                Path.of(options.getOrDefault("--model", DEFAULT_MODEL.toString())),
                Path.of(options.getOrDefault("--card", DEFAULT_CARD.toString())),
                Path.of(options.getOrDefault("--sample-dir", FashionMnist.SAMPLE_DIR.toString())),
                Integer.parseInt(options.getOrDefault("--filters", "" + DEFAULT_FILTERS)),
                Long.parseLong(options.getOrDefault("--seed", "" + DEFAULT_SEED)));
        CONSOLE.log("done: %s", result);
    }
}
