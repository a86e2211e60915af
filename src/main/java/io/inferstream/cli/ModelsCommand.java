package io.inferstream.cli;

import io.inferstream.models.DemoCnnTrainer;
import io.inferstream.models.FashionMnist;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Builds the project's demo models. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Build the demo models.",
        subcommands = {ModelsCommand.TrainDemo.class})
public final class ModelsCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("use: inferstream models train-demo [--dataset-dir DIR]");
    }

    /** Fits the demo CNN on Fashion-MNIST and writes the model, its card and the sample. */
    @Command(
            name = "train-demo",
            mixinStandardHelpOptions = true,
            description =
                    "Fit the demo CNN on Fashion-MNIST (Debian package dataset-fashion-mnist); write models/fashion-cnn.onnx, its card and the bundled sample.")
    static final class TrainDemo implements Callable<Integer> {
        @Option(
                names = "--dataset-dir",
                description = "Gzipped IDX files of Fashion-MNIST (default: the Debian package's folder).")
        Path datasetDir = FashionMnist.DEBIAN_DATASET_DIR;

        @Option(names = "--model", description = "Output model (default: models/fashion-cnn.onnx).")
        Path model = DemoCnnTrainer.DEFAULT_MODEL;

        @Option(names = "--card", description = "Output model card (default: models/fashion-cnn.md).")
        Path card = DemoCnnTrainer.DEFAULT_CARD;

        @Option(
                names = "--sample-dir",
                description = "Output folder of the bundled sample (default: data/fashion-mnist-sample).")
        Path sampleDir = FashionMnist.SAMPLE_DIR;

        @Option(names = "--filters", description = "Convolution filters (default: 16).")
        int filters = DemoCnnTrainer.DEFAULT_FILTERS;

        @Option(names = "--seed", description = "Random seed of the filter bank (default: 42).")
        long seed = DemoCnnTrainer.DEFAULT_SEED;

        @Override
        public Integer call() throws Exception {
            DemoCnnTrainer.Result result = DemoCnnTrainer.train(datasetDir, model, card, sampleDir, filters, seed);
            System.out.println("wrote " + model + " (" + result.modelBytes() + " bytes): test accuracy "
                    + result.test() + ", sample accuracy " + result.sample() + ", fitted in "
                    + String.format("%.1f s", result.fitSeconds()) + "; card " + card);
            return 0;
        }
    }
}
