package io.inferstream.cli;

import io.inferstream.demo.cnn.DemoCnnTrainer;
import io.inferstream.demo.cnn.FashionMnist;
import io.inferstream.demo.rnn.Co2EsnTrainer;
import io.inferstream.demo.rnn.Co2Weekly;
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
        subcommands = {
            ModelsCommand.TrainDemo.class,
            ModelsCommand.TrainRnnDemo.class,
            ModelsCommand.TrainCo2Esn.class,
            ModelUpdateCommand.class
        })
public final class ModelsCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("use: inferstream models train-demo [--dataset-dir DIR] | train-rnn-demo"
                + " | train-co2-esn"
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

    /** Fits the echo-state network of the Mauna Loa CO2 series, evaluates it and writes it and its card. */
    @Command(
            name = "train-co2-esn",
            mixinStandardHelpOptions = true,
            description =
                    "Fit an echo-state network on the weekly Mauna Loa CO2 series (data/co2-mauna-loa), evaluate forecasts, intervals and anomaly flags on its held-out weeks; write models/co2-esn.onnx and its card.")
    static final class TrainCo2Esn implements Callable<Integer> {
        @Option(names = "--data", description = "The weekly CSV (default: data/co2-mauna-loa/co2.csv).")
        Path data = Co2Weekly.DEFAULT_CSV;

        @Option(names = "--model", description = "Output model (default: models/co2-esn.onnx).")
        Path model = Co2EsnTrainer.DEFAULT_MODEL;

        @Option(names = "--card", description = "Output model card (default: models/co2-esn.md).")
        Path card = Co2EsnTrainer.DEFAULT_CARD;

        @Option(names = "--hidden", description = "Reservoir size H (default: 64).")
        int hidden = Co2EsnTrainer.DEFAULT_HIDDEN;

        @Option(names = "--seed", description = "Seed of the reservoir (default: 42).")
        long seed = Co2EsnTrainer.DEFAULT_SEED;

        @Override
        public Integer call() throws Exception {
            Co2EsnTrainer.Result result = Co2EsnTrainer.train(data, model, card, hidden, seed);
            System.out.println("wrote " + model + " (" + result.modelBytes() + " bytes): held out, one week: "
                    + result.evaluation().errors().get(0) + "; card " + card);
            return 0;
        }
    }
}
