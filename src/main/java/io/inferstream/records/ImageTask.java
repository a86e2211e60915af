package io.inferstream.records;

/** A decoded, preprocessed image waiting for its batch: one row of the model's input tensor. */
public class ImageTask {
    public String id;
    public String source;
    public long eventTime;
    public float[] pixels;

    public ImageTask() {}

    public ImageTask(String id, String source, long eventTime, float[] pixels) {
        this.id = id;
        this.source = source;
        this.eventTime = eventTime;
        this.pixels = pixels;
    }
}
