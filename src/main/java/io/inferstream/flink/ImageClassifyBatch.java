package io.inferstream.flink;

import io.inferstream.config.ImageJobConfig;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.inference.Scores;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.ImageTask;
import java.util.ArrayList;
import java.util.List;

/** Classifies a batch of images with one ONNX Runtime call and keeps the top-k labels. */
public class ImageClassifyBatch implements BatchFunction<ImageTask, ClassifiedImage> {
    private static final long serialVersionUID = 1L;

    private final int topK;
    private final LiveModel<OnnxImageClassifier> model;

    /** The spec is the contract the job was built for; a model update must keep its input. */
    public ImageClassifyBatch(ImageJobConfig config, ImageModelSpec jobSpec) {
        this.topK = config.topK;
        this.model = new LiveModel<>(
                config.common.jobName,
                config.modelPath,
                config.modelUpdates,
                new ModelLoaders.Images(jobSpec, config.modelOverrides, config.maxBatchSize, config.onnx, config.topK));
    }

    @Override
    public ServedModel<?> model() {
        return model;
    }

    @Override
    public void open() {
        // The operator loads the model with its state: the one that was running when restored.
    }

    @Override
    public List<ClassifiedImage> apply(List<ImageTask> batch) {
        List<float[]> rows = new ArrayList<>(batch.size());
        for (ImageTask task : batch) {
            rows.add(task.pixels);
        }
        OnnxImageClassifier classifier = model.current();
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
        // The operator closes the live model.
    }
}
