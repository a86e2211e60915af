package io.inferstream.demo.rnn;

import io.inferstream.inference.ModelBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Evaluates a one-value cell model on the held-out weeks of {@link Co2Weekly} as the tick job
 * would run it on a key fed one tick a week: k-step forecasts against the last-value and
 * seasonal-naive baselines, the coverage of the job's prediction intervals, and its anomaly flag
 * on spikes injected into the held-out weeks. The job's defaults throughout.
 */
public final class Co2Evaluation {

    /** Weeks in a season: the seasonal-naive forecast repeats the value 52 weeks earlier. */
    public static final int SEASON = 52;

    /** Rollout length: a full season. */
    public static final int HORIZON = 52;

    /** forecast.error-decay */
    public static final double ERROR_DECAY = 0.05;

    /** forecast.interval (0.9) and two more levels. */
    public static final double[] LEVELS = {0.8, 0.9, 0.95};

    /** anomaly.min-steps */
    public static final int MIN_STEPS = 20;

    /** anomaly.threshold (4.0) and one on either side. */
    public static final double[] THRESHOLDS = {3.0, 4.0, 5.0};

    /** Spike sizes in standard deviations of the training part's week-to-week change. */
    public static final double[] SPIKE_SIZES = {3.0, 5.0, 8.0};

    /**
     * How spikes are injected into the held-out weeks: {@code runs} runs per spike size, each
     * with {@code spikesPerRun} spikes at least {@code spacing} weeks apart, at positions and
     * with signs chosen by the run's seed (1..runs).
     */
    public record Injection(String name, int runs, int spikesPerRun, int spacing) {
        public int spikes() {
            return runs * spikesPerRun;
        }
    }

    /**
     * Rare spikes, a year apart, so that each meets a spread that has forgotten the last one;
     * and dense ones, 10 weeks apart, where it has not.
     */
    public static final List<Injection> INJECTIONS =
            List.of(new Injection("rare", 50, 4, 52), new Injection("dense", 10, 20, 10));

    private Co2Evaluation() {}

    /** Weeks {@code [0, trainEnd)} fit, {@code [trainEnd, validationEnd)} choose, the rest are held out. */
    public record Split(int trainEnd, int validationEnd, int weeks) {
        /** 60% fitting, 20% validation, 20% held out, in time order. */
        public static Split of(int weeks) {
            return new Split(weeks * 6 / 10, weeks * 8 / 10, weeks);
        }

        public int heldOut() {
            return weeks - validationEnd;
        }
    }

    /**
     * The numbers of the model card's evaluation section.
     *
     * @param errors horizons 1..{@value #HORIZON}
     * @param coverage horizons 1..{@value #HORIZON}, at {@link #LEVELS}
     * @param spikeUnit one standard deviation of the training part's week-to-week change, ppmv
     * @param clean the flag on the held-out weeks as they are, per threshold
     * @param injected per injection, spike size and threshold, summed over the runs
     */
    public record Result(
            Split split,
            List<ForecastScoring.HorizonErrors> errors,
            ForecastScoring.Coverage[] coverage,
            double spikeUnit,
            ForecastScoring.FlagCounts[] clean,
            ForecastScoring.FlagCounts[][][] injected) {}

    public static Result evaluate(ModelBytes model, Co2Weekly data, Split split) {
        double[] actual = data.values();
        boolean[] scored = data.measured();
        int from = split.validationEnd();
        double[][] forecasts = CellRollout.forecasts(model, actual, HORIZON);
        List<ForecastScoring.HorizonErrors> errors = new ArrayList<>();
        for (int h = 1; h <= HORIZON; h++) {
            errors.add(ForecastScoring.errors(actual, forecasts, scored, from, h, SEASON));
        }
        ForecastScoring.Coverage[] coverage =
                ForecastScoring.coverage(actual, forecasts, scored, from, LEVELS, ERROR_DECAY);

        double spikeUnit = changeStd(data, split.trainEnd());
        List<double[]> series = new ArrayList<>();
        List<boolean[]> injected = new ArrayList<>();
        series.add(actual);
        injected.add(new boolean[actual.length]);
        for (Injection injection : INJECTIONS) {
            for (double size : SPIKE_SIZES) {
                for (int run = 0; run < injection.runs(); run++) {
                    double[] spiked = actual.clone();
                    injected.add(injectSpikes(spiked, from, size * spikeUnit, injection, run + 1));
                    series.add(spiked);
                }
            }
        }
        double[][] oneStep = CellRollout.oneStep(model, series.toArray(double[][]::new));
        ForecastScoring.FlagCounts[] clean = flagCounts(series.get(0), oneStep[0], injected.get(0), scored, from);
        ForecastScoring.FlagCounts[][][] spiked =
                new ForecastScoring.FlagCounts[INJECTIONS.size()][SPIKE_SIZES.length][];
        int key = 1;
        for (int i = 0; i < INJECTIONS.size(); i++) {
            for (int s = 0; s < SPIKE_SIZES.length; s++) {
                for (int run = 0; run < INJECTIONS.get(i).runs(); run++, key++) {
                    ForecastScoring.FlagCounts[] counts =
                            flagCounts(series.get(key), oneStep[key], injected.get(key), scored, from);
                    if (spiked[i][s] == null) {
                        spiked[i][s] = counts;
                    } else {
                        for (int t = 0; t < counts.length; t++) {
                            spiked[i][s][t] = spiked[i][s][t].plus(counts[t]);
                        }
                    }
                }
            }
        }
        return new Result(split, List.copyOf(errors), coverage, spikeUnit, clean, spiked);
    }

    /** The flag's counts at each of {@link #THRESHOLDS}. */
    private static ForecastScoring.FlagCounts[] flagCounts(
            double[] series, double[] oneStep, boolean[] injected, boolean[] scored, int from) {
        double[] scores = ForecastScoring.anomalyScores(series, oneStep, ERROR_DECAY);
        ForecastScoring.FlagCounts[] counts = new ForecastScoring.FlagCounts[THRESHOLDS.length];
        for (int t = 0; t < THRESHOLDS.length; t++) {
            counts[t] = ForecastScoring.flags(scores, injected, scored, from, MIN_STEPS, THRESHOLDS[t]);
        }
        return counts;
    }

    /** Standard deviation of {@code v[t] - v[t-1]} over weeks before {@code end} where both were measured. */
    static double changeStd(Co2Weekly data, int end) {
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (int t = 1; t < end; t++) {
            if (data.measured()[t] && data.measured()[t - 1]) {
                double change = data.values()[t] - data.values()[t - 1];
                sum += change;
                squares += change * change;
                count++;
            }
        }
        double mean = sum / count;
        return Math.sqrt(squares / count - mean * mean);
    }

    /**
     * Adds {@code +-size} to the injection's number of weeks at or after {@code from}, chosen by
     * the seed, its spacing apart, each sign a coin flip; returns which.
     */
    static boolean[] injectSpikes(double[] series, int from, double size, Injection injection, long seed) {
        int span = series.length - from;
        if (span < injection.spikesPerRun() * injection.spacing() * 2) {
            throw new IllegalArgumentException(span + " weeks cannot hold " + injection.spikesPerRun()
                    + " spikes " + injection.spacing() + " weeks apart with room to choose; expected at least "
                    + injection.spikesPerRun() * injection.spacing() * 2);
        }
        Random random = new Random(seed);
        boolean[] injected = new boolean[series.length];
        List<Integer> chosen = new ArrayList<>();
        while (chosen.size() < injection.spikesPerRun()) {
            int week = from + random.nextInt(span);
            if (chosen.stream().allMatch(c -> Math.abs(c - week) >= injection.spacing())) {
                chosen.add(week);
                injected[week] = true;
                series[week] += random.nextBoolean() ? size : -size;
            }
        }
        return injected;
    }
}
