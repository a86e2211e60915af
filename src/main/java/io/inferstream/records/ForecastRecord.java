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

    public ForecastRecord() {}
}
