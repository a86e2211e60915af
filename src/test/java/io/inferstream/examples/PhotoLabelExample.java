package io.inferstream.examples;

import io.inferstream.flink.ImageClassification;
import io.inferstream.flink.ImageInputs;
import io.inferstream.flink.JobOutputs;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.KafkaInput;
import java.io.Serializable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A user's own job with the image classification transformation (docs/sql-and-datastream.md
 * shows this code): photos from the user's source, one label per photo to the user's sink,
 * photos that cannot be classified with their reason to the user's dead-letter sink.
 */
public final class PhotoLabelExample {

    /** The user's record: an encoded image (PNG, JPEG ...) and where it came from. */
    public static class Photo implements Serializable {
        public String id;
        public String camera;
        public long takenAt;
        public byte[] image;

        public Photo() {}

        public Photo(String id, String camera, long takenAt, byte[] image) {
            this.id = id;
            this.camera = camera;
            this.takenAt = takenAt;
            this.image = image;
        }
    }

    /** What the user writes out. */
    public static class PhotoLabel implements Serializable {
        public String id;
        public String camera;
        public String label;
        public float score;

        public PhotoLabel() {}

        public PhotoLabel(String id, String camera, String label, float score) {
            this.id = id;
            this.camera = camera;
            this.label = label;
            this.score = score;
        }
    }

    private final Source<Photo, ?, ?> photos;
    private final Sink<PhotoLabel> labels;
    private final Sink<DeadLetterRecord> deadLetters;

    public PhotoLabelExample(Source<Photo, ?, ?> photos, Sink<PhotoLabel> labels, Sink<DeadLetterRecord> deadLetters) {
        this.photos = photos;
        this.labels = labels;
        this.deadLetters = deadLetters;
    }

    /** Adds the job to {@code env}; a misconfigured builder or a misfit model fails here. */
    public void build(StreamExecutionEnvironment env, String modelPath) {
        DataStream<Photo> in = env.fromSource(photos, WatermarkStrategy.noWatermarks(), "photos")
                .uid("photos");

        ImageClassification classification = ImageClassification.builder()
                .modelPath(modelPath)
                .batchSize(32)
                .topK(1)
                .build();
        JobOutputs<ClassifiedImage> out =
                classification.apply(in.map(p -> ImageInputs.of(p.id, p.camera, p.takenAt, p.image))
                        .returns(KafkaInput.class)
                        .uid("to-images"));

        out.getPredictions()
                .map(c -> new PhotoLabel(c.id, c.source, c.labels[0], c.scores[0]))
                .returns(PhotoLabel.class)
                .uid("to-labels")
                .sinkTo(labels)
                .uid("labels");
        out.getDeadLetters().sinkTo(deadLetters).uid("dead-letters");
    }
}
