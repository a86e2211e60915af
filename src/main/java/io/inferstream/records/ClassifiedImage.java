package io.inferstream.records;

/** The classification of one image inside the job; written out as an Avro ImagePrediction. */
public class ClassifiedImage {
    public String id;
    public String source;
    public long eventTime;
    public String model;
    public String modelVersion;
    /** The top-k labels, best first; labels[0] is the prediction. */
    public String[] labels;

    public float[] scores;
    public long predictedAt;

    public ClassifiedImage() {}

    public ClassifiedImage(
            String id,
            String source,
            long eventTime,
            String model,
            String modelVersion,
            String[] labels,
            float[] scores,
            long predictedAt) {
        this.id = id;
        this.source = source;
        this.eventTime = eventTime;
        this.model = model;
        this.modelVersion = modelVersion;
        this.labels = labels;
        this.scores = scores;
        this.predictedAt = predictedAt;
    }
}
