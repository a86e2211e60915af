package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferstream.config.ImageJobConfig;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.inference.OnnxImageClassifier;
import io.inferstream.records.ClassifiedImage;
import io.inferstream.records.DeadLetterRecord;
import io.inferstream.records.KafkaInput;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.OfflineClassifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole image topology on a MiniCluster at parallelism 2, bounded input, no Kafka. */
class ImageClassifierPipelineITCase {
    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(PARALLELISM);

    private static ImageJobConfig config(int maxBatch) {
        Map<String, Object> values =
                JobConfigs.offline(OfflineClassifier.DEMO_MODEL).toMap();
        values.put("batch.max-size", Integer.toString(maxBatch));
        values.put("parallelism", Integer.toString(PARALLELISM));
        return ImageJobConfig.from(values);
    }

    @Test
    void shouldClassifyEveryImageLikeTheOfflineModelAndDeadLetterTheRest() throws Exception {
        SampleImages samples = SampleImages.loadBundled();
        int images = 120;
        List<KafkaInput> inputs = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            KafkaInput in = new KafkaInput(
                    "images", i % 2, i, 1_000L + i, SampleImages.key(i).getBytes(), samples.png(i));
            inputs.add(in);
        }
        inputs.add(new KafkaInput("images", 0, 1000, 5, "junk".getBytes(), "not an image".getBytes()));
        inputs.add(new KafkaInput("images", 1, 1001, 6, "empty".getBytes(), new byte[0]));

        ImageJobConfig cfg = config(16);
        ImageModelSpec spec = OnnxImageClassifier.inspect(cfg.modelFile(), cfg.modelOverrides);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        JobOutputs<ClassifiedImage> outputs = ImageClassifierJob.build(
                env.fromData(inputs, TypeInformation.of(KafkaInput.class)).rebalance(), cfg, spec);
        List<ClassifiedImage> predictions = new ArrayList<>();
        List<DeadLetterRecord> deadLetters = new ArrayList<>();
        try (CloseableIterator<ClassifiedImage> p = outputs.predictions.collectAsync();
                CloseableIterator<DeadLetterRecord> d = outputs.deadLetters.collectAsync()) {
            env.execute("pipeline test");
            p.forEachRemaining(predictions::add);
            d.forEachRemaining(deadLetters::add);
        }

        assertThat(predictions.size() + deadLetters.size()).isEqualTo(inputs.size());
        assertThat(deadLetters).extracting(x -> x.reason).containsExactlyInAnyOrder("UNDECODABLE_IMAGE", "EMPTY_VALUE");
        Map<String, ClassifiedImage> bySource = predictions.stream().collect(Collectors.toMap(x -> x.source, x -> x));
        assertThat(bySource).hasSize(images);
        try (OfflineClassifier oracle = new OfflineClassifier(OfflineClassifier.DEMO_MODEL)) {
            for (int i = 0; i < images; i++) {
                float[] expected = oracle.probabilities(samples.pixels(i));
                ClassifiedImage actual = bySource.get(SampleImages.key(i));
                int best = OfflineClassifier.argMax(expected);
                assertThat(actual.labels[0]).isEqualTo(SampleImages.labelNames().get(best));
                assertThat(actual.scores[0]).isCloseTo(expected[best], within(1e-5f));
                assertThat(actual.labels).hasSize(3);
                assertThat(actual.model).isEqualTo("fashion-cnn");
                assertThat(actual.id).isEqualTo("images-" + (i % 2) + "-" + i);
                assertThat(actual.eventTime).isEqualTo(1_000L + i);
            }
        }
    }

    @Test
    void shouldClassifyJsonEnvelopesWithBase64BytesLikeTheRawBytes() throws Exception {
        SampleImages samples = SampleImages.loadBundled();
        int images = 40;
        List<KafkaInput> inputs = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            inputs.add(new KafkaInput("images", 0, i, 1_000L + i, ("raw-" + i).getBytes(), samples.png(i)));
            String envelope = "{\"camera\":\"envelope-" + i + "\",\"ts\":" + (1_000L + i) + ",\"jpeg\":\""
                    + java.util.Base64.getEncoder().encodeToString(samples.png(i)) + "\"}";
            inputs.add(new KafkaInput("images", 1, i, 5L, "ignored".getBytes(), envelope.getBytes()));
        }
        inputs.add(new KafkaInput("images", 1, 900, 5, null, "{\"camera\":\"c9\",\"ts\":1}".getBytes()));
        inputs.add(new KafkaInput("images", 1, 901, 5, null, "{\"camera\":\"c9\",\"ts\":1,\"jpeg\":7}".getBytes()));
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "unused:9092");
        values.put("model.path", OfflineClassifier.DEMO_MODEL.toString());
        values.put("parallelism", Integer.toString(PARALLELISM));
        values.put("input.image-field", "/jpeg");
        values.put("input.source-field", "/camera");
        values.put("input.time-field", "/ts");
        values.put("input.time-format", "epoch-ms");
        ImageJobConfig cfg = ImageJobConfig.from(values);
        ImageModelSpec spec = OnnxImageClassifier.inspect(cfg.modelFile(), cfg.modelOverrides);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        JobOutputs<ClassifiedImage> outputs = ImageClassifierJob.build(
                env.fromData(inputs, TypeInformation.of(KafkaInput.class)).rebalance(), cfg, spec);
        List<ClassifiedImage> predictions = new ArrayList<>();
        List<DeadLetterRecord> deadLetters = new ArrayList<>();
        try (CloseableIterator<ClassifiedImage> p = outputs.predictions.collectAsync();
                CloseableIterator<DeadLetterRecord> d = outputs.deadLetters.collectAsync()) {
            env.execute("envelope test");
            p.forEachRemaining(predictions::add);
            d.forEachRemaining(deadLetters::add);
        }

        assertThat(predictions.size() + deadLetters.size()).isEqualTo(inputs.size());
        assertThat(deadLetters)
                .extracting(x -> x.reason + " " + x.error.contains("/jpeg"))
                .containsExactlyInAnyOrder("MISSING_FIELD true", "WRONG_FIELD_TYPE true");
        Map<String, ClassifiedImage> bySource = predictions.stream().collect(Collectors.toMap(x -> x.source, x -> x));
        assertThat(bySource).hasSize(2 * images);
        for (int i = 0; i < images; i++) {
            ClassifiedImage raw = bySource.get("raw-" + i);
            ClassifiedImage enveloped = bySource.get("envelope-" + i);
            assertThat(enveloped.labels).as("image " + i).containsExactly(raw.labels);
            assertThat(enveloped.scores).as("image " + i).containsExactly(raw.scores);
            assertThat(enveloped.eventTime).isEqualTo(raw.eventTime);
        }
    }
}
