package io.inferstream.records;

/** The RNN's output for one tick of one key inside the job; written out as a TickPrediction. */
public class ForecastRecord {
    public String key;
    public String id;
    public long eventTime;
    public long step;
    public double[] inputs;
    public String[] outputNames;
    public double[] outputs;
    public String model;
    public String modelVersion;
    public long predictedAt;
    /**
     * With forecast.horizon k above 1: the forecasts 1 to k ticks ahead at {@code [h * O + o]}
     * (the first O equal {@link #outputs}); null otherwise.
     */
    public double[] horizon;
    /** When each horizon step is due; null until the key's typical tick interval is known. */
    public long[] targetTimes;
    /**
     * The interval ends, laid out as {@link #horizon} (or as {@link #outputs} with horizon 1); NaN
     * for a horizon step without errors yet; null when forecasts are not compared with ticks.
     */
    public double[] lower;

    public double[] upper;
    /** The tick's one-step error in spreads (largest over the outputs); NaN when it has none. */
    public double anomalyScore = Double.NaN;

    public boolean anomaly;

    public ForecastRecord() {}
}
