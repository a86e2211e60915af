package io.inferstream.bench;

import io.inferstream.avro.ModelStatus;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.flink.ImageClassifyBatch;
import io.inferstream.flink.ImageJobPipeline;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.inference.OnnxOptions;
import io.inferstream.kafka.Topics;
import io.inferstream.local.KafkaClients;
import io.inferstream.local.Pacer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Measures the image job side by side in one run: the job as built, the same job with inference
 * replaced by a pass-through (the Kafka and Flink ceiling), ONNX Runtime alone on the same
 * decoded images (the inference ceiling), batch size 1, and latency under both deliveries.
 */
public final class ImageBenchmark {
    private final String bootstrap;
    private final String modelPath;
    private final int images;
    private final int batchSize;
    private final OnnxOptions onnx;
    private final PrintStream out;
    private final SampleImages samples = SampleImages.loadBundled();
    private int run;

    /** A benchmark against the Kafka cluster at {@code bootstrap}, with ONNX Runtime sessions as {@code onnx} says. */
    public ImageBenchmark(
            String bootstrap, String modelPath, int images, int batchSize, OnnxOptions onnx, PrintStream out) {
        this.bootstrap = bootstrap;
        this.modelPath = modelPath;
        this.images = images;
        this.batchSize = batchSize;
        this.onnx = onnx;
        this.out = out;
    }

    /** Runs every scenario and prints a Markdown table of the results. */
    public void runAll(int latencyRate, int latencySeconds) throws Exception {
        String backlog = "bench-images-" + System.currentTimeMillis();
        Topics.ensure(bootstrap, Map.of(backlog, 2));
        produce(backlog, images, 0);
        out.printf(
                "%d images (Fashion-MNIST PNGs, %d bytes on average) in '%s'; ONNX Runtime on %s%n",
                images, averagePngBytes(), backlog, onnx.describe());

        // The first job in a JVM pays for class loading and JIT compilation: run one unreported.
        out.println("  warm-up run (not reported):");
        backlogThroughput(backlog, batchSize, true);
        BenchRuns.Best best = BenchRuns.alternate(
                () -> backlogThroughput(backlog, batchSize, true), () -> backlogThroughput(backlog, batchSize, false));
        double passThrough = best.ceiling();
        double asBuilt = best.job();
        double batchOne = backlogThroughput(backlog, 1, true);
        Swaps swaps = withModelUpdates(backlog, batchSize, 300);
        ImageInferenceBenchmark inference = new ImageInferenceBenchmark(modelPath, images, out);
        double[] onnxAlone = inference.measure(onnx, batchSize);
        double[] onnxBatchOne = inference.measure(onnx, 1);

        out.println();
        out.println("| scenario | images/s | note |");
        out.println("|---|---:|---|");
        out.printf(
                "| (a) job as built, batch %d, exactly-once | %.0f | %.0f%% of (b) |%n",
                batchSize, asBuilt, best.percentOfCeiling());
        out.printf(
                "| (b) same job, inference replaced by pass-through | %.0f | Kafka + decode + Flink ceiling |%n",
                passThrough);
        out.printf(
                "| (c) ONNX Runtime alone, batch %d, same decoded images | %.0f | %.1f us/image |%n",
                batchSize, onnxAlone[0], onnxAlone[1]);
        out.printf("| (c') ONNX Runtime alone, batch 1 | %.0f | %.1f us/image |%n", onnxBatchOne[0], onnxBatchOne[1]);
        out.printf(
                "| (d) job with batch size 1, exactly-once | %.0f | %.0f%% of (a) |%n",
                batchOne, 100 * batchOne / asBuilt);
        out.printf(
                "| (e) job as built with a model update every %d ms | %.0f | %.0f%% of (a); %d swaps, %d versions on"
                        + " predictions; update sent to swapped in: median %d ms, max %d ms |%n",
                swaps.everyMs,
                swaps.throughput,
                100 * swaps.throughput / asBuilt,
                swaps.accepted,
                swaps.versions,
                swaps.medianMs,
                swaps.maxMs);

        out.println();
        out.printf(
                "Latency at a steady %d images/s for %d s (event time to visible to a read_committed consumer):%n",
                latencyRate, latencySeconds);
        out.println("| delivery | p50 ms | p99 ms |");
        out.println("|---|---:|---:|");
        for (String delivery : List.of("exactly-once", "at-least-once")) {
            long[] latency = latency(delivery, latencyRate, latencySeconds);
            out.printf("| %s | %d | %d |%n", delivery, latency[0], latency[1]);
        }
    }

    /** Produces the backlog of sample PNGs into a fresh 2-partition topic and returns its name. */
    public String produceBacklog(String prefix) {
        String backlog = prefix + System.currentTimeMillis();
        Topics.ensure(bootstrap, Map.of(backlog, 2));
        produce(backlog, images, 0);
        return backlog;
    }

    /**
     * The image job as built, exactly-once, over a backlog already in {@code input}: predictions
     * per second between its first and last prediction (what bench sql compares SQL against).
     */
    public double jobThroughput(String input) throws Exception {
        return backlogThroughput(input, batchSize, true);
    }

    private double backlogThroughput(String input, int batch, boolean inference) throws Exception {
        return backlogThroughput(input, batch, inference, 1);
    }

    private double backlogThroughput(String input, int batch, boolean inference, int parallelism) throws Exception {
        String output = "bench-out-" + (++run) + "-" + System.currentTimeMillis();
        Topics.ensure(bootstrap, Map.of(output, 2, output + ".dlq", 2));
        Map<String, Object> values = BenchRuns.jobSettings(bootstrap, input, output, modelPath, batch, onnx);
        values.put("parallelism", Integer.toString(parallelism));
        ImageJobConfig cfg = ImageJobConfig.from(values);
        List<OutputWatcher.Seen> seen = runJob(cfg, inference, output, images, Duration.ofMinutes(5));
        double throughput = OutputWatcher.throughput(seen);
        out.printf(
                "  %-44s %8.0f images/s (%d predictions)%n",
                (inference ? "job, batch " + batch : "pass-through, batch " + batch)
                        + (parallelism > 1 ? ", parallelism " + parallelism : "")
                        + ":",
                throughput,
                seen.size());
        return throughput;
    }

    /**
     * Scaling: the job as built at each parallelism over one backlog, alternately twice after a
     * warm-up run, on this machine (the broker shares its cores). Prints a Markdown table.
     */
    public void scaling(List<Integer> parallelisms) throws Exception {
        String backlog = produceBacklog("bench-images-");
        out.printf("%d images in '%s'; the job as built at parallelism %s%n", images, backlog, parallelisms);
        out.println("  warm-up run (not reported):");
        backlogThroughput(backlog, batchSize, true);
        BenchRuns.scalingTable(out, parallelisms, "images/s", p -> backlogThroughput(backlog, batchSize, true, p));
    }

    /** What a run with live model updates measured. */
    private record Swaps(long everyMs, double throughput, int accepted, long versions, long medianMs, long maxMs) {}

    /**
     * The job as built, with the control topic on and the same model sent as a new version every
     * {@code everyMs} while the backlog is read: what loading and swapping models costs the job,
     * and how long an update takes from the control topic to serving.
     */
    private Swaps withModelUpdates(String input, int batch, long everyMs) throws Exception {
        String output = "bench-out-" + (++run) + "-" + System.currentTimeMillis();
        String control = output + ".updates";
        String status = output + ".status";
        Topics.ensure(bootstrap, Map.of(output, 2, output + ".dlq", 2, control, 1, status, 1));
        Map<String, Object> values = BenchRuns.jobSettings(bootstrap, input, output, modelPath, batch, onnx);
        values.put("model-updates.enabled", "true");
        values.put("model-updates.topic", control);
        values.put("model-updates.status-topic", status);
        ImageJobConfig cfg = ImageJobConfig.from(values);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = new Thread(
                () -> {
                    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap)) {
                        for (int n = 1; sending.get(); n++) {
                            Thread.sleep(everyMs);
                            String version = "u" + n;
                            sentAt.put(version, System.currentTimeMillis());
                            String json = "{\"job\":\"" + cfg.common.jobName + "\",\"uri\":\"" + modelPath
                                    + "\",\"version\":\"" + version + "\"}";
                            producer.send(new ProducerRecord<>(control, json.getBytes(StandardCharsets.UTF_8)));
                            producer.flush();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "bench-model-updates");
        List<ModelStatus> statuses = new ArrayList<>();
        List<OutputWatcher.Seen> seen = BenchRuns.whileRunning(environment(cfg, true), cfg.common.jobName, job -> {
            sender.start();
            try {
                return OutputWatcher.await(bootstrap, BenchRuns.outputTopics(output), images, Duration.ofMinutes(5))
                        .predictions();
            } finally {
                sending.set(false);
                sender.join();
                // Still running: the statuses of the last swaps commit with the next checkpoints.
                statuses.addAll(OutputWatcher.modelStatuses(bootstrap, status));
            }
        });
        List<Long> delays = new ArrayList<>();
        for (ModelStatus s : statuses) {
            Long sent = sentAt.get(s.getVersion());
            if (s.getStatus().equals("ACCEPTED") && sent != null) {
                delays.add(s.getAt().toEpochMilli() - sent);
            }
        }
        Collections.sort(delays);
        long versions = seen.stream().map(x -> x.modelVersion).distinct().count();
        return new Swaps(
                everyMs,
                OutputWatcher.throughput(seen),
                delays.size(),
                versions,
                delays.isEmpty() ? -1 : delays.get(delays.size() / 2),
                delays.isEmpty() ? -1 : delays.get(delays.size() - 1));
    }

    private long[] latency(String delivery, int rate, int seconds) throws Exception {
        String input = "bench-latency-in-" + (++run) + "-" + System.currentTimeMillis();
        String output = "bench-latency-out-" + run;
        Topics.ensure(bootstrap, Map.of(input, 2, output, 2, output + ".dlq", 2));
        ImageJobConfig cfg = config(input, output, batchSize, delivery);
        return BenchRuns.whileRunning(environment(cfg, true), cfg.common.jobName, job -> {
            Thread.sleep(5_000); // let the job start; images are stamped when sent
            Thread feeder = new Thread(() -> produce(input, rate * seconds, rate));
            feeder.start();
            List<OutputWatcher.Seen> seen = OutputWatcher.await(
                            bootstrap,
                            BenchRuns.outputTopics(output),
                            rate * seconds,
                            Duration.ofSeconds(seconds + 60L))
                    .predictions();
            feeder.join();
            return new long[] {OutputWatcher.latencyPercentile(seen, 50), OutputWatcher.latencyPercentile(seen, 99)};
        });
    }

    private List<OutputWatcher.Seen> runJob(
            ImageJobConfig cfg, boolean inference, String output, int count, Duration timeout) throws Exception {
        return BenchRuns.whileRunning(environment(cfg, inference), cfg.common.jobName, job -> OutputWatcher.await(
                        bootstrap, BenchRuns.outputTopics(output), count, timeout)
                .predictions());
    }

    /** The job as built, or with {@code inference} off the same job classifying by {@link PassThroughBatch}. */
    private static StreamExecutionEnvironment environment(ImageJobConfig cfg, boolean inference) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironments.flinkConfiguration(cfg.common));
        ImageJobPipeline.wire(env, cfg, inference ? ImageClassifyBatch::new : (c, spec) -> new PassThroughBatch());
        return env;
    }

    private ImageJobConfig config(String input, String output, int batch, String delivery) {
        Map<String, Object> values = BenchRuns.jobSettings(bootstrap, input, output, modelPath, batch, onnx);
        values.put("delivery", delivery);
        return ImageJobConfig.from(values);
    }

    /** Sends {@code count} sample PNGs; at {@code rate} per second, or as fast as possible with 0. */
    private void produce(String topic, int count, int rate) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap)) {
            Pacer pacer = new Pacer(rate);
            for (int i = 0; i < count; i++) {
                int index = i % samples.size();
                producer.send(new ProducerRecord<>(
                        topic, SampleImages.key(index).getBytes(StandardCharsets.UTF_8), pngs()[index]));
                if (rate > 0) {
                    pacer.await();
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[][] pngs;

    private synchronized byte[][] pngs() {
        if (pngs == null) {
            pngs = samples.pngs();
        }
        return pngs;
    }

    private int averagePngBytes() {
        long total = 0;
        for (byte[] png : pngs()) {
            total += png.length;
        }
        return (int) (total / pngs().length);
    }
}
