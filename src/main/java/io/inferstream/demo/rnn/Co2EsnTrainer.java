package io.inferstream.demo.rnn;

import ai.onnxruntime.OrtException;
import io.inferstream.demo.cnn.TrainerConsole;
import io.inferstream.inference.ModelBytes;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code models/co2-esn.onnx}, an echo-state cell that forecasts next week's Mauna Loa
 * CO2 from the week-to-week log change ({@code log-return} in the tick job's terms), fitted on
 * the first 60% of {@link Co2Weekly}, its penalty and reservoir radius chosen on the next 20%,
 * and evaluated by {@link Co2Evaluation} on the last 20%, which it never saw; writes its card.
 */
public final class Co2EsnTrainer {

    public static final Path DEFAULT_MODEL = Path.of("models/co2-esn.onnx");
    public static final Path DEFAULT_CARD = Path.of("models/co2-esn.md");
    public static final int DEFAULT_HIDDEN = 64;
    public static final long DEFAULT_SEED = 42L;

    public static final String MODEL_NAME = "co2-esn";
    public static final long MODEL_VERSION = 1;
    public static final String OUTPUT_NAMES = "[\"co2\"]";
    public static final String TRANSFORM = "log-return";

    /** Weeks from the zero state that fitting does not use: a year, the state's warm-up. */
    static final int WASHOUT = 52;

    /** Reservoir radii tried; larger ones remember further back (a season is 52 weeks). */
    static final double[] SPECTRAL_RADII = {0.9, 0.95, 0.99};

    /**
     * Ridge penalties (see {@link DemoRnnTrainer#RIDGE_ALPHAS}), reaching higher: one noisy
     * series holds far fewer rows than the synthetic keys.
     */
    static final double[] RIDGE_ALPHAS = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1};

    /** Significant digits of the mean and std in the metadata: the log changes are about 1e-3. */
    static final int METADATA_DIGITS = 6;

    private static final TrainerConsole CONSOLE = new TrainerConsole("train-co2-esn");

    private Co2EsnTrainer() {}

    /**
     * What training produced and measured.
     *
     * @param validationRmse one-step RMSE, in log-change units, on the
     *     validation weeks, of the readout fitted without them
     */
    public record Result(
            int hidden,
            long seed,
            double spectralRadius,
            String mean,
            String std,
            double ridgeAlpha,
            double ridgeLambda,
            double validationRmse,
            double fitRows,
            Co2Weekly data,
            Co2Evaluation.Result evaluation,
            double fitSeconds,
            long modelBytes) {}

    private record Candidate(double radius, EchoStateCell reservoir, DemoRnnTrainer.Readout readout, double rows) {}

    public static Result train(Path csv, Path outModel, Path outCard, int hidden, long seed)
            throws IOException, OrtException {
        Co2Weekly data = Co2Weekly.load(csv);
        Co2Evaluation.Split split = Co2Evaluation.Split.of(data.weeks());
        long start = System.nanoTime();
        double[] changes = logChanges(data.values());
        boolean[] usable = usableChanges(data.measured());
        String[] standardization = standardization(changes, usable, split.trainEnd());
        float mean = Float.parseFloat(standardization[0]);
        float std = Float.parseFloat(standardization[1]);
        CONSOLE.log(
                "%d weeks (%d filled); fitting weeks 0-%d, validation %d-%d, held out %d-%d; log change mean %s, std %s",
                data.weeks(),
                data.filled(),
                split.trainEnd() - 1,
                split.trainEnd(),
                split.validationEnd() - 1,
                split.validationEnd(),
                data.weeks() - 1,
                standardization[0],
                standardization[1]);
        float[] inputs = new float[changes.length];
        for (int t = 0; t < changes.length; t++) {
            inputs[t] = (float) ((changes[t] - mean) / std);
        }
        Candidate best = null;
        for (double radius : SPECTRAL_RADII) {
            EchoStateCell reservoir = EchoStateCell.randomReservoir(
                    1, hidden, 1, radius, DemoRnnTrainer.INPUT_SCALE, DemoRnnTrainer.BIAS_SCALE, seed);
            Candidate candidate = fit(reservoir, radius, inputs, usable, split, std);
            CONSOLE.log(
                    "spectral radius %.2f: validation RMSE %.6f (log change)",
                    radius, candidate.readout().validationRmse());
            if (best == null
                    || candidate.readout().validationRmse() < best.readout().validationRmse()) {
                best = candidate;
            }
        }
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        CONSOLE.log("spectral radius %.2f chosen; fitted in %.1f s", best.radius(), fitSeconds);

        EchoStateCell cell = best.reservoir()
                .withReadout(
                        best.readout().fit().scaledWeights(1),
                        best.readout().fit().scaledBias(1));
        Map<String, String> metadata = DemoRnnTrainer.cellMetadata(
                MODEL_NAME, MODEL_VERSION, standardization[0], standardization[1], TRANSFORM, OUTPUT_NAMES);
        byte[] model = EchoStateGraphs.cellModel(cell, metadata);
        Files.createDirectories(outModel.toAbsolutePath().getParent());
        Files.write(outModel, model);
        CONSOLE.log("wrote %s (%d bytes)", outModel, model.length);

        // Measured on the written file, with the job's own classes, not on the training path.
        Co2Evaluation.Result evaluation = Co2Evaluation.evaluate(ModelBytes.of(outModel), data, split);
        CONSOLE.log(
                "held out, one step: model %s; last value %s; seasonal naive %s",
                evaluation.errors().get(0).model(),
                evaluation.errors().get(0).lastValue(),
                evaluation.errors().get(0).seasonal());
        Result result = new Result(
                hidden,
                seed,
                best.radius(),
                standardization[0],
                standardization[1],
                best.readout().alpha(),
                best.readout().fit().lambda(),
                best.readout().validationRmse(),
                best.rows(),
                data,
                evaluation,
                fitSeconds,
                model.length);
        Files.createDirectories(outCard.toAbsolutePath().getParent());
        Files.writeString(outCard, Co2EsnCard.render(result, metadata, TrainerConsole.relativeTo(outCard, outModel)));
        return result;
    }

    /**
     * The tick job's log-return input: {@code log(v[t] / v[t-1])}, and 0 for the first week (as
     * the job counts a key's first tick).
     */
    static double[] logChanges(double[] values) {
        double[] changes = new double[values.length];
        for (int t = 1; t < values.length; t++) {
            changes[t] = Math.log(values[t] / values[t - 1]);
        }
        return changes;
    }

    /** A week's change counts (as a statistic or a target) only where it and the week before were measured. */
    static boolean[] usableChanges(boolean[] measured) {
        boolean[] usable = new boolean[measured.length];
        for (int t = 1; t < measured.length; t++) {
            usable[t] = measured[t] && measured[t - 1];
        }
        return usable;
    }

    /** Mean and std of the usable changes before {@code end}, as written to the metadata. */
    static String[] standardization(double[] changes, boolean[] usable, int end) {
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (int t = 1; t < end; t++) {
            if (usable[t]) {
                sum += changes[t];
                squares += changes[t] * changes[t];
                count++;
            }
        }
        double mean = sum / count;
        double std = Math.sqrt(squares / count - mean * mean);
        return new String[] {significant(mean), significant(std)};
    }

    static String significant(double value) {
        return new BigDecimal(value).round(new MathContext(METADATA_DIGITS)).toPlainString();
    }

    /**
     * Runs the reservoir over all weeks (one key, one ONNX call a week), fits the readout on the
     * fitting weeks' usable targets after the washout, and picks its penalty on the validation
     * weeks' (then refits on both).
     */
    private static Candidate fit(
            EchoStateCell reservoir,
            double radius,
            float[] inputs,
            boolean[] usable,
            Co2Evaluation.Split split,
            float std)
            throws OrtException {
        int hidden = reservoir.hidden();
        ReadoutGram fitting = new ReadoutGram(hidden, 1);
        ReadoutGram validation = new ReadoutGram(hidden, 1);
        float[] x = new float[1];
        float[] h = new float[hidden];
        float[] y = new float[1];
        try (OnnxCellRunner runner = OnnxCellRunner.open(EchoStateGraphs.cellModel(reservoir, Map.of()))) {
            for (int t = 0; t + 1 < split.validationEnd(); t++) {
                x[0] = inputs[t];
                runner.step(x, h, 1, y, h);
                int target = t + 1;
                if (t < WASHOUT || !usable[target]) {
                    continue;
                }
                (target < split.trainEnd() ? fitting : validation).add(h, 0, inputs, target);
            }
        }
        double rows = fitting.rows();
        DemoRnnTrainer.Readout readout =
                DemoRnnTrainer.chooseReadout(fitting, validation, hidden, std, RIDGE_ALPHAS, CONSOLE);
        return new Candidate(radius, reservoir, readout, rows);
    }

    /** Command line: {@code [--data FILE] [--model FILE] [--card FILE] [--hidden H] [--seed S]}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options =
                TrainerConsole.parseOptions(args, List.of("--data", "--model", "--card", "--hidden", "--seed"));
        Result result = train(
                Path.of(options.getOrDefault("--data", Co2Weekly.DEFAULT_CSV.toString())),
                Path.of(options.getOrDefault("--model", DEFAULT_MODEL.toString())),
                Path.of(options.getOrDefault("--card", DEFAULT_CARD.toString())),
                Integer.parseInt(options.getOrDefault("--hidden", "" + DEFAULT_HIDDEN)),
                Long.parseLong(options.getOrDefault("--seed", "" + DEFAULT_SEED)));
        CONSOLE.log("done: %s", result.evaluation().errors().get(0));
    }
}
