package io.inferstream.demo.rnn;

import ai.onnxruntime.OrtException;
import io.inferstream.demo.cnn.RidgeReadout;
import io.inferstream.demo.cnn.TrainerConsole;
import io.inferstream.inference.ModelMetadataKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Builds the tick job's demo model {@code models/sensor-esn.onnx}: an echo-state network (a
 * fixed random Elman cell) whose linear readout is fitted in closed form to forecast the next
 * value of {@link SyntheticTicks} series, then evaluated on held-out keys and described in a
 * model card.
 */
public final class DemoRnnTrainer {

    public static final int DEFAULT_KEYS = 200;
    public static final int DEFAULT_HIDDEN = 64;
    public static final long DEFAULT_SEED = 42L;
    public static final Path DEFAULT_MODEL = Path.of("models/sensor-esn.onnx");
    public static final Path DEFAULT_CARD = Path.of("models/sensor-esn.md");

    public static final String MODEL_NAME = "sensor-esn";
    public static final long MODEL_VERSION = 1;
    public static final String OUTPUT_NAMES = "[\"forecast\"]";

    /** Steps of every training and held-out series. */
    public static final int STEPS = 2_000;

    /** Steps from the zero state that neither fitting nor evaluation scores: the state's warm-up. */
    public static final int WASHOUT = 100;

    /** Keys after the training keys on which the written model is evaluated. */
    public static final int HELD_OUT_KEYS = 100;

    /** One training key in this many is held out to choose the ridge penalty. */
    static final int VALIDATION_EVERY = 5;

    static final double SPECTRAL_RADIUS = 0.9;
    static final double INPUT_SCALE = 0.1;
    static final double BIAS_SCALE = 0.05;

    /** Ridge penalties relative to the states' total variance (see {@link RidgeReadout#fit}). */
    static final double[] RIDGE_ALPHAS = {1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2};

    /** Relative excess validation RMSE accepted for a larger penalty (see chooseReadout). */
    static final double RMSE_TOLERANCE = 0.01;

    private static final TrainerConsole CONSOLE = new TrainerConsole("train-rnn-demo");

    private DemoRnnTrainer() {}

    /**
     * What training produced and measured; errors are in the value's units.
     *
     * @param readoutL1Norm sum of the readout weights' magnitudes
     * @param validationRmse one-step RMSE on the validation keys of the readout fitted without
     *     them, at the chosen penalty
     * @param heldOut the written model's one-step forecast on the held-out keys
     * @param naive the last-value forecast on the same keys and steps
     * @param fitSeconds standardization, reservoir run, Gram matrices, penalty search and solve
     */
    public record Result(
            int keys,
            int hidden,
            long seed,
            double spectralRadius,
            float inputMean,
            float inputStd,
            double ridgeAlpha,
            double ridgeLambda,
            double readoutL1Norm,
            double validationRmse,
            ForecastErrors heldOut,
            ForecastErrors naive,
            double fitSeconds,
            long modelBytes) {}

    /** The written model's forecast errors next to the naive last-value forecast's. */
    public record Evaluation(ForecastErrors model, ForecastErrors naive) {}

    /** Mean and standard deviation, rounded as written to the metadata and used as rounded. */
    record Standardization(float mean, float std) {
        static Standardization rounded(double mean, double std) {
            return new Standardization(Float.parseFloat(format(mean)), Float.parseFloat(format(std)));
        }

        static String format(double value) {
            return String.format(Locale.ROOT, "%.4f", value);
        }

        float apply(double value) {
            return (float) ((value - mean) / std);
        }
    }

    record Readout(RidgeReadout.Fit fit, double alpha, double validationRmse, double l1Norm) {}

    /**
     * Fits the model on keys {@code 0..keys-1}, writes it and its card, and evaluates the written
     * file on the next {@value #HELD_OUT_KEYS} keys.
     *
     * @param seed of both the synthetic series and the reservoir
     */
    public static Result train(Path outModel, Path outCard, int keys, int hidden, long seed)
            throws IOException, OrtException {
        if (keys < VALIDATION_EVERY) {
            throw new IllegalArgumentException(
                    "training keys " + keys + " must be at least " + VALIDATION_EVERY + " to hold some out");
        }
        SyntheticTicks ticks = new SyntheticTicks(seed);
        long start = System.nanoTime();
        Standardization standardization = standardization(ticks, keys);
        EchoStateCell reservoir =
                EchoStateCell.randomReservoir(1, hidden, 1, SPECTRAL_RADIUS, INPUT_SCALE, BIAS_SCALE, seed);
        CONSOLE.log(
                "%d training keys x %d steps; mean %s, std %s",
                keys, STEPS, standardization.mean(), standardization.std());
        Readout readout = fitReadout(ticks, keys, reservoir, standardization);
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        CONSOLE.log("fitted in %.1f s", fitSeconds);

        EchoStateCell cell = reservoir.withReadout(
                readout.fit().scaledWeights(1), readout.fit().scaledBias(1));
        Map<String, String> metadata =
                cellMetadata(MODEL_NAME, MODEL_VERSION, standardization.mean(), standardization.std(), OUTPUT_NAMES);
        byte[] model = EchoStateGraphs.cellModel(cell, metadata);
        Files.createDirectories(outModel.toAbsolutePath().getParent());
        Files.write(outModel, model);
        CONSOLE.log("wrote %s (%d bytes)", outModel, model.length);

        // Measured on the written file, with the job's arithmetic, not on the training path.
        Evaluation evaluation = evaluate(Files.readAllBytes(outModel), ticks, keys, HELD_OUT_KEYS, STEPS);
        CONSOLE.log("held-out keys: model %s; naive last value %s", evaluation.model(), evaluation.naive());

        Result result = new Result(
                keys,
                hidden,
                seed,
                reservoir.recurrentSpectralRadius(),
                standardization.mean(),
                standardization.std(),
                readout.alpha(),
                readout.fit().lambda(),
                readout.l1Norm(),
                readout.validationRmse(),
                evaluation.model(),
                evaluation.naive(),
                fitSeconds,
                model.length);
        Files.createDirectories(outCard.toAbsolutePath().getParent());
        Files.writeString(
                outCard, SensorEsnCard.render(result, metadata, TrainerConsole.relativeTo(outCard, outModel)));
        return result;
    }

    /** Mean and standard deviation of every training value. */
    static Standardization standardization(SyntheticTicks ticks, int keys) {
        double sum = 0;
        double squares = 0;
        for (int key = 0; key < keys; key++) {
            for (int step = 0; step < STEPS; step++) {
                double value = ticks.value(key, step);
                sum += value;
                squares += value * value;
            }
        }
        double count = (double) keys * STEPS;
        double mean = sum / count;
        return Standardization.rounded(mean, Math.sqrt(squares / count - mean * mean));
    }

    /**
     * Runs the reservoir over every training key at once (one ONNX call per step), sums the
     * Gram matrices of fitting and validation keys, picks the penalty on the validation keys
     * and refits on all training keys.
     */
    private static Readout fitReadout(
            SyntheticTicks ticks, int keys, EchoStateCell reservoir, Standardization standardization)
            throws OrtException {
        int hidden = reservoir.hidden();
        ReadoutGram fitting = new ReadoutGram(hidden, 1);
        ReadoutGram validation = new ReadoutGram(hidden, 1);
        float[] x = new float[keys];
        float[] next = new float[keys];
        float[] h = new float[keys * hidden];
        float[] y = new float[keys];
        for (int key = 0; key < keys; key++) {
            x[key] = standardization.apply(ticks.value(key, 0));
        }
        try (OnnxCellRunner runner = OnnxCellRunner.open(EchoStateGraphs.cellModel(reservoir, Map.of()))) {
            for (int step = 0; step + 1 < STEPS; step++) {
                runner.step(x, h, keys, y, h);
                for (int key = 0; key < keys; key++) {
                    next[key] = standardization.apply(ticks.value(key, step + 1));
                }
                if (step >= WASHOUT) {
                    for (int key = 0; key < keys; key++) {
                        (isValidationKey(key) ? validation : fitting).add(h, key, next, key);
                    }
                }
                float[] swap = x;
                x = next;
                next = swap;
            }
        }
        CONSOLE.log("reservoir run: %,.0f fitting and %,.0f validation rows", fitting.rows(), validation.rows());
        return chooseReadout(fitting, validation, hidden, standardization.std(), RIDGE_ALPHAS, CONSOLE);
    }

    /**
     * The largest penalty whose validation RMSE is within {@link #RMSE_TOLERANCE} of the lowest:
     * smaller penalties buy almost nothing and give readouts with large, cancelling weights,
     * which amplify the float rounding of the state in the job. Adds the validation rows to
     * {@code fitting} for the final fit.
     *
     * @param std scales the standardized RMSE back to the value's units
     * @param alphas penalties to try, in increasing order
     */
    static Readout chooseReadout(
            ReadoutGram fitting,
            ReadoutGram validation,
            int hidden,
            double std,
            double[] alphas,
            TrainerConsole console) {
        RidgeReadout ridge = new RidgeReadout(fitting.values(), hidden, 1);
        double[] rmse = new double[alphas.length];
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < alphas.length; i++) {
            RidgeReadout.Fit fit = ridge.fit(alphas[i]);
            rmse[i] = Math.sqrt(validation.meanSquaredError(fit)) * std;
            best = Math.min(best, rmse[i]);
            console.log(
                    "ridge alpha %.0e: validation RMSE %.5g, readout L1 norm %.1f",
                    alphas[i], rmse[i], l1Norm(fit.weights()));
        }
        int chosen = alphas.length - 1;
        while (rmse[chosen] > best * (1 + RMSE_TOLERANCE)) {
            chosen--;
        }
        fitting.addAll(validation);
        RidgeReadout.Fit all = new RidgeReadout(fitting.values(), hidden, 1).fit(alphas[chosen]);
        console.log(
                "ridge alpha %.0e chosen (lambda %.3g on all training keys); readout L1 norm %.1f",
                alphas[chosen], all.lambda(), l1Norm(all.weights()));
        return new Readout(all, alphas[chosen], rmse[chosen], l1Norm(all.weights()));
    }

    private static double l1Norm(double[] weights) {
        double norm = 0;
        for (double w : weights) {
            norm += Math.abs(w);
        }
        return norm;
    }

    static boolean isValidationKey(int key) {
        return key % VALIDATION_EVERY == VALIDATION_EVERY - 1;
    }

    /**
     * Runs a one-feature, one-output cell model over keys {@code firstKey..firstKey+keyCount-1}
     * from a zero state as the tick job does: x = (v - mean) / std, one step, forecast = y *
     * std + mean, all from the model's metadata. Scores the forecasts of steps {@value #WASHOUT}
     * to {@code steps - 1} against the next value, next to the last-value forecast.
     */
    public static Evaluation evaluate(byte[] cellModel, SyntheticTicks ticks, int firstKey, int keyCount, int steps)
            throws OrtException {
        ForecastErrors.Accumulator model = new ForecastErrors.Accumulator();
        ForecastErrors.Accumulator naive = new ForecastErrors.Accumulator();
        try (OnnxCellRunner runner = OnnxCellRunner.open(cellModel)) {
            if (runner.features() != 1 || runner.outputs() != 1) {
                throw new IllegalArgumentException("cell model maps " + runner.features() + " features to "
                        + runner.outputs() + " outputs; expected 1 to 1 (a value to its forecast)");
            }
            Map<String, String> metadata = runner.metadata();
            float inputMean = metadataFloat(metadata, ModelMetadataKeys.INPUT_MEAN);
            float inputStd = metadataFloat(metadata, ModelMetadataKeys.INPUT_STD);
            float outputMean = metadataFloat(metadata, ModelMetadataKeys.OUTPUT_MEAN);
            float outputStd = metadataFloat(metadata, ModelMetadataKeys.OUTPUT_STD);
            float[] x = new float[keyCount];
            float[] h = new float[keyCount * runner.hidden()];
            float[] y = new float[keyCount];
            for (int step = 0; step + 1 < steps; step++) {
                for (int k = 0; k < keyCount; k++) {
                    x[k] = (float) ((ticks.value(firstKey + k, step) - inputMean) / inputStd);
                }
                runner.step(x, h, keyCount, y, h);
                if (step < WASHOUT) {
                    continue;
                }
                for (int k = 0; k < keyCount; k++) {
                    double actual = ticks.value(firstKey + k, step + 1);
                    model.add(y[k] * outputStd + outputMean - actual);
                    naive.add(ticks.value(firstKey + k, step) - actual);
                }
            }
        }
        return new Evaluation(model.errors(), naive.errors());
    }

    /**
     * An unfitted cell model (random reservoir, random readout) of any size with the tick job's
     * contract and metadata, for benchmarks; the same arguments give the same bytes.
     */
    public static byte[] randomCell(int features, int hidden, int outputs, long seed) {
        EchoStateCell reservoir = EchoStateCell.randomReservoir(
                features, hidden, outputs, SPECTRAL_RADIUS, INPUT_SCALE, BIAS_SCALE, seed);
        Random random = new Random(seed + 1);
        float[] weights = new float[outputs * hidden];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) ((2 * random.nextDouble() - 1) / Math.sqrt(hidden));
        }
        StringBuilder names = new StringBuilder("[");
        for (int o = 0; o < outputs; o++) {
            names.append(o == 0 ? "" : ",").append("\"y").append(o).append('"');
        }
        Map<String, String> metadata = cellMetadata(
                "random-esn-h" + hidden, 1, 0f, 1f, names.append(']').toString());
        return EchoStateGraphs.cellModel(reservoir.withReadout(weights, new float[outputs]), metadata);
    }

    /** The RNN contract's metadata; one mean and std apply to every feature and every output. */
    static Map<String, String> cellMetadata(String name, long version, float mean, float std, String outputNames) {
        return cellMetadata(
                name, version, Standardization.format(mean), Standardization.format(std), "none", outputNames);
    }

    /**
     * The RNN contract's metadata with the mean and std as written and an input transform
     * ({@code none} or {@code log-return}).
     */
    static Map<String, String> cellMetadata(
            String name, long version, String mean, String std, String transform, String outputNames) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ModelMetadataKeys.NAME, name);
        metadata.put(ModelMetadataKeys.VERSION, Long.toString(version));
        metadata.put(ModelMetadataKeys.RNN_INPUT, EchoStateGraphs.INPUT);
        metadata.put(ModelMetadataKeys.RNN_STATE_INPUTS, EchoStateGraphs.STATE);
        metadata.put(ModelMetadataKeys.RNN_STATE_OUTPUTS, EchoStateGraphs.NEXT_STATE);
        metadata.put(ModelMetadataKeys.RNN_OUTPUT, EchoStateGraphs.OUTPUT);
        metadata.put(ModelMetadataKeys.INPUT_TRANSFORM, transform);
        metadata.put(ModelMetadataKeys.INPUT_MEAN, mean);
        metadata.put(ModelMetadataKeys.INPUT_STD, std);
        metadata.put(ModelMetadataKeys.OUTPUT_NAMES, outputNames);
        // The forecast is of the next standardized value, so the same numbers map it back.
        metadata.put(ModelMetadataKeys.OUTPUT_MEAN, mean);
        metadata.put(ModelMetadataKeys.OUTPUT_STD, std);
        return metadata;
    }

    private static float metadataFloat(Map<String, String> metadata, String key) {
        String value = metadata.get(key);
        try {
            return Float.parseFloat(value);
        } catch (NullPointerException | NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + value + "': expected one number in the metadata", e);
        }
    }

    /**
     * Command line: {@code [--model FILE] [--card FILE] [--keys N] [--hidden H] [--seed S]},
     * paths relative to the working directory (the repository root).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options =
                TrainerConsole.parseOptions(args, List.of("--model", "--card", "--keys", "--hidden", "--seed"));
        Result result = train(
                Path.of(options.getOrDefault("--model", DEFAULT_MODEL.toString())),
                Path.of(options.getOrDefault("--card", DEFAULT_CARD.toString())),
                Integer.parseInt(options.getOrDefault("--keys", "" + DEFAULT_KEYS)),
                Integer.parseInt(options.getOrDefault("--hidden", "" + DEFAULT_HIDDEN)),
                Long.parseLong(options.getOrDefault("--seed", "" + DEFAULT_SEED)));
        CONSOLE.log("done: %s", result);
    }
}
