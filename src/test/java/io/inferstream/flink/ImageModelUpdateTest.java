package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.ImageJobConfig;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.ModelMetadataKeys;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.ImageTask;
import io.inferstream.records.ModelStatusRecord;
import io.inferstream.records.ModelUpdateRecord;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.LinearImageModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live model updates on the image classifier's micro-batch operator, with Flink's two-input
 * harness: predictions change model at a batch boundary and say which version made them.
 */
class ImageModelUpdateTest {
    private static final Map<String, String> LABELS = Map.of(ModelMetadataKeys.LABELS, "[\"zero\",\"one\",\"two\"]");

    @TempDir
    Path dir;

    /** Feature 0 lit: v1 says "zero", v2 (shifted by one class) says "one". */
    private Path v1;

    private Path v2;

    @BeforeEach
    void writeModels() throws Exception {
        v1 = LinearImageModels.write(dir, new long[] {1, 4, 4}, 3, 0, LABELS);
        v2 = LinearImageModels.write(dir, new long[] {1, 4, 4}, 3, 1, LABELS);
    }

    private TwoInputStreamOperatorTestHarness<ImageTask, ModelUpdateRecord, ClassifiedImage> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        Map<String, Object> values = JobConfigs.offline(v1).toMap();
        values.put("model-updates.enabled", "true");
        values.put("output.top-k", "1");
        ImageJobConfig config = ImageJobConfig.from(values);
        ImageModelSpec spec = OnnxImageClassifier.inspect(config.modelFile(), config.modelOverrides);
        MicroBatchOperator<ImageTask, ClassifiedImage> operator =
                new MicroBatchOperator<>(new ImageClassifyBatch(config, spec), 2, 1000);
        var h = new TwoInputStreamOperatorTestHarness<ImageTask, ModelUpdateRecord, ClassifiedImage>(operator);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static void image(TwoInputStreamOperatorTestHarness<ImageTask, ModelUpdateRecord, ClassifiedImage> h, int n)
            throws Exception {
        float[] pixels = new float[16];
        pixels[0] = 1f;
        h.processElement1(new StreamRecord<>(new ImageTask("img-" + n, "cam", n, pixels)));
    }

    private static List<ModelStatusRecord> awaitStatuses(
            TwoInputStreamOperatorTestHarness<ImageTask, ModelUpdateRecord, ClassifiedImage> h, int count)
            throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<ModelStatusRecord> out = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            out.clear();
            var side = h.getSideOutput(LiveModel.STATUS);
            if (side != null) {
                side.forEach(r -> out.add(r.getValue()));
            }
            if (out.size() >= count) {
                break;
            }
            h.setProcessingTime(h.getProcessingTime() + LiveModel.POLL_MS);
            Thread.sleep(5);
        }
        assertThat(out).hasSize(count);
        return out;
    }

    @Test
    void shouldClassifyWithTheNewModelFromTheNextBatchOnAndSaySo() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            image(h, 1);
            image(h, 2); // a full batch of 2: classified by v1
            image(h, 3); // waits for its batch while the update loads
            h.processElement2(new StreamRecord<>(new ModelUpdateRecord("image-classifier", v2.toString(), "2", false)));
            ModelStatusRecord status = awaitStatuses(h, 1).get(0);
            image(h, 4);
            snapshot = h.snapshot(1L, 10L);

            assertThat(status.status).isEqualTo(ModelStatusRecord.ACCEPTED);
            List<ClassifiedImage> out = h.extractOutputValues();
            assertThat(out).extracting(c -> c.id).containsExactly("img-1", "img-2", "img-3", "img-4");
            assertThat(out).extracting(c -> c.modelVersion).containsExactly("7", "7", "2", "2");
            assertThat(out).extracting(c -> c.labels[0]).containsExactly("zero", "zero", "one", "one");
        }
        try (var h = harness(snapshot)) {
            image(h, 5);
            h.endInput1();
            assertThat(h.extractOutputValues())
                    .extracting(c -> c.modelVersion + ":" + c.labels[0])
                    .containsExactly("2:one");
        }
    }

    @Test
    void shouldRefuseAModelThatTakesAnotherInputAndKeepClassifying() throws Exception {
        Path bigger = LinearImageModels.write(dir, new long[] {1, 5, 5}, 3, 1, LABELS);
        try (var h = harness(null)) {
            h.processElement2(
                    new StreamRecord<>(new ModelUpdateRecord("image-classifier", bigger.toString(), "5x5", false)));
            ModelStatusRecord status = awaitStatuses(h, 1).get(0);
            image(h, 1);
            h.endInput1();

            assertThat(status.status).isEqualTo(ModelStatusRecord.REFUSED);
            assertThat(status.reason)
                    .contains("model takes NCHW 1x5x5 images; the running job feeds NCHW 1x4x4")
                    .contains("expected the same input");
            assertThat(h.extractOutputValues())
                    .extracting(c -> c.modelVersion + ":" + c.labels[0])
                    .containsExactly("7:zero");
        }
    }
}
