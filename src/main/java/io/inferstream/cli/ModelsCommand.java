package io.inferstream.cli;

import io.inferstream.demo.cnn.DemoCnnTrainer;
import io.inferstream.demo.cnn.FashionMnist;
import io.inferstream.demo.rnn.DemoRnnTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Builds the project's demo models. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Build the demo models, or ship a new model to a running job.",
        subcommands = {ModelsCommand.TrainDemo.class, ModelsCommand.TrainRnnDemo.class, ModelUpdateCommand.class})
public final class ModelsCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("use: inferstream models train-demo [--dataset-dir DIR] | train-rnn-demo"
                + " | update JOB --bootstrap HOST:PORT --uri MODEL --model-version V [--reset-state]");
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

    /** Fits the tick job's demo echo-state network on synthetic sensor series and writes it and its card. */
    @Command(
            name = "train-rnn-demo",
            mixinStandardHelpOptions = true,
            description =
                    "Fit the tick job's demo RNN (an echo-state network) on synthetic sensor series; write models/sensor-esn.onnx and its card.")
    static final class TrainRnnDemo implements Callable<Integer> {
        @Option(names = "--model", description = "Output model (default: models/sensor-esn.onnx).")
        Path model = DemoRnnTrainer.DEFAULT_MODEL;

        @Option(names = "--card", description = "Output model card (default: models/sensor-esn.md).")
        Path card = DemoRnnTrainer.DEFAULT_CARD;

        @Option(names = "--keys", description = "Training series (default: 200).")
        int keys = DemoRnnTrainer.DEFAULT_KEYS;

        @Option(names = "--hidden", description = "Reservoir size H (default: 64).")
        int hidden = DemoRnnTrainer.DEFAULT_HIDDEN;

        @Option(names = "--seed", description = "Seed of the series and the reservoir (default: 42).")
        long seed = DemoRnnTrainer.DEFAULT_SEED;

        @Override
        public Integer call() throws Exception {
            DemoRnnTrainer.Result result = DemoRnnTrainer.train(model, card, keys, hidden, seed);
            System.out.println("wrote " + model + " (" + result.modelBytes() + " bytes): held-out "
                    + result.heldOut() + " (naive last value: " + result.naive() + "), fitted in "
                    + String.format("%.1f s", result.fitSeconds()) + "; card " + card);
            return 0;
        }
    }
}
