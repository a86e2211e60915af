package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferstream.avro.TickPrediction;
import io.inferstream.config.TickJobConfig;
import io.inferstream.inference.ModelMetadataKeys;
import io.inferstream.inference.OnnxRnnCell;
import io.inferstream.inference.RnnCellSpec;
import io.inferstream.kafka.InstanceId;
import io.inferstream.local.KafkaClients;
import io.inferstream.output.RecordDecoder;
import io.inferstream.testing.FlinkClusters;
import io.inferstream.testing.JobConfigs;
import io.inferstream.testing.KafkaBroker;
import io.inferstream.testing.TickRecords;
import io.inferstream.testing.TinyRnnCell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the same tick job on one broker: the newer one fences the older for good, the
 * older commits nothing after the newer starts writing, and the older, restarted with its own
 * instance id, refuses to start while the newer, restarted, runs on.
 */
class InstanceFenceKafkaITCase {
    private static final String JOB = "fence-it";
    private static final int KEYS = 10;

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkClusters.withSlots(3);

    @TempDir
    Path dir;

    @Test
    void shouldStopTheOlderInstanceForGoodOnceANewerOneStarts() throws Exception {
        String input = KAFKA.createTopic("fence-ticks", 1);
        String output = KAFKA.createTopic("fence-forecasts", 1);
        String dlq = KAFKA.createTopic("fence-ticks-dlq", 1);
        String fenceTopic = KAFKA.uniqueTopic("fence-instances");
        AtomicBoolean feeding = new AtomicBoolean(true);
        Thread feeder = new Thread(() -> feed(input, feeding), "tick feeder");
        feeder.start();
        JobClient b = null;
        try {
            TickJobConfig configA = config(input, output, dlq, fenceTopic, "a");
            JobClient a = submit(configA);
            awaitOutput(output, "version a", r -> r.version.equals("a"));

            // In one JVM the Kafka connector refuses a second sink with the same transactional-id
            // prefix at the same attempt number (its BackchannelFactory), so B's first attempt fails
            // and B restarts under its restart strategy; on separate machines that does not happen.
            b = submit(config(input, output, dlq, fenceTopic, "b"));
            List<Forecast> untilB = awaitOutput(output, "version b", r -> r.version.equals("b"));

            assertThatThrownBy(() -> a.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .rootCause()
                    .hasMessageContaining("another instance of job " + JOB + " took over")
                    .hasMessageContaining("registered in topic " + fenceTopic)
                    .hasMessageContaining("does not restart");
            assertThat(a.getJobStatus().get()).isEqualTo(JobStatus.FAILED);

            // B writes on after A stopped; nothing of A's is committed after B's first forecast.
            int before = untilB.size();
            List<Forecast> all = awaitOutput(output, "more of version b", r -> false, before + 3 * KEYS);
            assertThat(b.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            int firstB = indexOfFirst(all, "b");
            assertThat(all.subList(0, firstB)).as("before B").isNotEmpty().allMatch(f -> f.version.equals("a"));
            assertThat(all.subList(firstB, all.size()))
                    .as("committed after B's first forecast")
                    .allMatch(f -> f.version.equals("b"));

            List<String> instances = registered(fenceTopic);
            assertThat(instances).as("registrations of job " + JOB).hasSize(2);

            // A failover restart of A would reopen its fence with A's instance id: refused.
            JobClient restartedA = probe(configA, new InstanceId(instances.get(0), 0, "test"));
            assertThatThrownBy(() -> restartedA.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                    .rootCause()
                    .hasMessageContaining("instance " + instances.get(0))
                    .hasMessageContaining("refuses to start again")
                    .hasMessageContaining("instance " + instances.get(1));

            // A failover restart of B keeps running and does not register again.
            JobClient restartedB = probe(configA, new InstanceId(instances.get(1), 0, "test"));
            try {
                awaitRunning(restartedB);
                Thread.sleep(1500); // a few checkpoints of the probe
                assertThat(restartedB.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            } finally {
                restartedB.cancel().get();
            }
            assertThat(registered(fenceTopic)).isEqualTo(instances);
        } finally {
            feeding.set(false);
            feeder.join();
            if (b != null) {
                b.cancel().get();
            }
        }
    }

    private TickJobConfig config(String input, String output, String dlq, String fenceTopic, String version)
            throws Exception {
        Path model = new TinyRnnCell(4).write(dir, "tiny-" + version, Map.of(ModelMetadataKeys.VERSION, version));
        return TickJobConfig.from(JobConfigs.onBroker(KAFKA.bootstrapServers(), JOB, model)
                .topics(input, output, dlq)
                .set("fence.topic", fenceTopic)
                .set("order.max-out-of-orderness-ms", "0")
                .set("checkpoint.interval-ms", "200")
                .set("flink.restart-strategy.type", "fixed-delay")
                .set("flink.restart-strategy.fixed-delay.attempts", "3")
                .set("flink.restart-strategy.fixed-delay.delay", "200 ms")
                .toMap());
    }

    private static JobClient submit(TickJobConfig config) throws Exception {
        RnnCellSpec spec = OnnxRnnCell.inspect(config.modelFile(), config.modelOverrides);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TickJobPipeline.flinkConfiguration(config));
        TickJobPipeline.sinks(TickForecasterJob.build(TickJobPipeline.source(env, config), config, spec), config);
        JobClient job = env.executeAsync(JOB);
        awaitRunning(job);
        return job;
    }

    /** A job of the input source and a fence of the given instance alone: a restart of that instance. */
    private static JobClient probe(TickJobConfig config, InstanceId instance) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(JobEnvironments.flinkConfiguration(config.common));
        InstanceFence.attach(
                env.fromSource(KafkaIO.source(config.common), WatermarkStrategy.noWatermarks(), "ticks"),
                config.common,
                "probe",
                instance);
        return env.executeAsync("fence probe " + instance.id());
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            assertThat(System.currentTimeMillis()).as("job running within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** One tick per key every 20 ms, event time 100 ms apart, until stopped. */
    private static void feed(String topic, AtomicBoolean feeding) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(KAFKA.bootstrapServers())) {
            for (long step = 0; feeding.get(); step++) {
                for (int k = 0; k < KEYS; k++) {
                    TickRecords.send(
                            producer,
                            topic,
                            null,
                            "key-" + k,
                            TickRecords.json(1000 + step * 100, Math.sin(0.3 * step + k)));
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Forecast(String key, long step, String version) {}

    private static List<Forecast> awaitOutput(String topic, String what, Predicate<Forecast> until) {
        return awaitOutput(topic, what, until, Integer.MAX_VALUE);
    }

    /** The committed forecasts in topic order, read until one matches or there are {@code count}. */
    private static List<Forecast> awaitOutput(String topic, String what, Predicate<Forecast> until, int count) {
        List<Forecast> forecasts = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TickPrediction p = (TickPrediction) RecordDecoder.decodeAvro(record.value());
                    Forecast f = new Forecast(p.getKey(), p.getStep(), p.getModelVersion());
                    forecasts.add(f);
                    if (until.test(f) || forecasts.size() >= count) {
                        return forecasts;
                    }
                }
            }
        }
        throw new AssertionError("no " + what + " on " + topic + " within 60 s; read " + forecasts.size());
    }

    /** The instance ids of job JOB in the fence topic, in registration order. */
    private static List<String> registered(String fenceTopic) {
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition partition = new TopicPartition(fenceTopic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String key = new String(record.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(JOB + "/")) {
                        ids.add(key.substring(JOB.length() + 1));
                    }
                }
            }
        }
        return ids;
    }

    private static int indexOfFirst(List<Forecast> forecasts, String version) {
        for (int i = 0; i < forecasts.size(); i++) {
            if (forecasts.get(i).version.equals(version)) {
                return i;
            }
        }
        throw new AssertionError("no forecast of version " + version);
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = KAFKA.clientProperties();
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
