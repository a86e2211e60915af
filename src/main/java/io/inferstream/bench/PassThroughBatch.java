package io.inferstream.bench;

import io.inferstream.flink.BatchFunction;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.ImageTask;
import java.util.ArrayList;
import java.util.List;

/**
 * The image job's classify step with inference removed: every image gets a fixed label, so the
 * job measures what Kafka, decoding and Flink cost without the model. It needs no model, so it
 * takes no model updates either.
 */
final class PassThroughBatch implements BatchFunction<ImageTask, ClassifiedImage> {
    private static final long serialVersionUID = 1L;

    @Override
    public void open() {}

    @Override
    public List<ClassifiedImage> apply(List<ImageTask> batch) {
        long now = System.currentTimeMillis();
        List<ClassifiedImage> results = new ArrayList<>(batch.size());
        for (ImageTask task : batch) {
            results.add(new ClassifiedImage(
                    task.id,
                    task.source,
                    task.eventTime,
                    "pass-through",
                    "0",
                    new String[] {"none"},
                    new float[] {0f},
                    now));
        }
        return results;
    }

    @Override
    public long eventTime(ClassifiedImage output, long now) {
        return output.eventTime;
    }

    @Override
    public void close() {}
}
