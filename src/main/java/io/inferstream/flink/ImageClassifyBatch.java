package io.inferstream.flink;

import io.inferstream.config.ImageJobConfig;
import io.inferstream.inference.ImageModelOverrides;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.inference.Scores;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.ImageTask;
import java.util.ArrayList;
import java.util.List;

/** Classifies a batch of images with one ONNX Runtime call and keeps the top-k labels. */
public class ImageClassifyBatch implements BatchFunction<ImageTask, ClassifiedImage> {
    private static final long serialVersionUID = 1L;

    private final String modelPath;
    private final ImageModelOverrides overrides;
    private final int maxBatch;
    private final OnnxOptions onnx;
    private final int topK;
    private transient OnnxImageClassifier classifier;

    public ImageClassifyBatch(ImageJobConfig config) {
        this.modelPath = config.modelPath;
        this.overrides = config.modelOverrides;
        this.maxBatch = config.maxBatchSize;
        this.onnx = config.onnx;
        this.topK = config.topK;
    }

    @Override
    public void open() {
        classifier = OnnxImageClassifier.load(ModelFiles.read(modelPath), overrides, maxBatch, onnx);
    }

    @Override
    public List<ClassifiedImage> apply(List<ImageTask> batch) {
        List<float[]> rows = new ArrayList<>(batch.size());
        for (ImageTask task : batch) {
            rows.add(task.pixels);
        }
        float[][] probabilities = classifier.classify(rows);
        long now = System.currentTimeMillis();
        ImageModelSpec spec = classifier.spec();
        List<ClassifiedImage> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            ImageTask task = batch.get(i);
            int[] best = Scores.topK(probabilities[i], topK);
            String[] labels = new String[best.length];
            float[] scores = new float[best.length];
            for (int j = 0; j < best.length; j++) {
                labels[j] = spec.labels.get(best[j]);
                scores[j] = probabilities[i][best[j]];
            }
            results.add(new ClassifiedImage(
                    task.id, task.source, task.eventTime, spec.modelName, spec.modelVersion, labels, scores, now));
        }
        return results;
    }

    @Override
    public long eventTime(ClassifiedImage output, long now) {
        return output.eventTime;
    }

    @Override
    public void close() {
        if (classifier != null) {
            classifier.close();
            classifier = null;
        }
    }
}
