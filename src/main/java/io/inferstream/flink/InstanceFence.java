package io.inferstream.flink;

import io.inferstream.config.StreamJobSettings;
import io.inferstream.kafka.InstanceId;
import io.inferstream.kafka.InstanceRegistry;
import io.inferstream.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one instance of a job writing: the instance registers in the fence topic when it starts,
 * and at each checkpoint reads what registered since. Once a newer instance of the same job.name
 * registered, this one's checkpoint fails, so the sinks commit nothing more, and the job fails
 * without restarting; an older instance that restarts after a failover of its own refuses to
 * start instead of registering again. One subtask, fed by nothing (its input is filtered empty),
 * so it costs one offsets request per checkpoint.
 */
public final class InstanceFence<T> extends AbstractStreamOperator<Void> implements OneInputStreamOperator<T, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InstanceFence.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final String job;
    private final String topic;
    private final String bootstrapServers;
    private final Map<String, String> kafkaProperties;
    private final InstanceId instance;

    private transient KafkaConsumer<byte[], byte[]> consumer;
    private transient TopicPartition partition;
    private transient InstanceRegistry registry;

    InstanceFence(StreamJobSettings s, InstanceId instance) {
        this.job = s.jobName;
        this.topic = s.fenceTopic;
        this.bootstrapServers = s.bootstrapServers;
        this.kafkaProperties = s.kafkaProperties;
        this.instance = instance;
    }

    /**
     * Adds the fence of a new instance to the job of {@code stream}, when fence.enabled; the
     * fence's uid is {@code <uidPrefix>-instance-fence}.
     */
    static <T> void attach(DataStream<T> stream, StreamJobSettings s, String uidPrefix, InstanceId instance) {
        if (!s.fenceEnabled) {
            return;
        }
        stream.filter(record -> false)
                .name("instance fence feed")
                .uid(uidPrefix + "-instance-fence-feed")
                .transform("instance fence: " + s.fenceTopic, Types.VOID, new InstanceFence<T>(s, instance))
                // One instance, but no max parallelism of 1: at job parallelism 1 the fence chains to
                // its feed, whose max parallelism then had to match the savepoint's (128), and a
                // rescale from 2 to 1 refused to restore.
                .setParallelism(1)
                .uid(uidPrefix + "-instance-fence");
    }

    @Override
    public void open() throws Exception {
        super.open();
        // Created here, not only by --create-topics, so every way of building the job is fenced.
        Topics.ensureCompacted(clientProperties(), topic);
        Properties props = clientProperties();
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        registry = new InstanceRegistry(job);
        catchUp();
        Optional<String> newer = registry.supersededBy(instance.id());
        if (newer.isPresent()) {
            throw new SuppressRestartsException(new IllegalStateException(
                    "job " + job + ": " + instance.describe() + " refuses to start again: " + newer.get()
                            + " registered after it in topic " + topic + " and took over; an instance"
                            + " restarting after a failover must not write beside the newer one"));
        }
        if (!registry.isRegistered(instance.id())) {
            register();
            LOG.info("Job {}: {} registered in topic {}", job, instance.describe(), topic);
        }
    }

    private void register() throws Exception {
        Properties props = clientProperties();
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic, 0, InstanceRegistry.key(job, instance), InstanceRegistry.value(instance)))
                    .get(KAFKA_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        // The feed is filtered empty: this operator only takes part in checkpoints.
    }

    /**
     * Fails the checkpoint once a newer instance registered: the sinks then never commit the
     * transactions of this checkpoint, and the job fails for good.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        catchUp();
        Optional<String> newer = registry.supersededBy(instance.id());
        if (newer.isPresent()) {
            throw new SuppressRestartsException(new IllegalStateException("another instance of job " + job
                    + " took over: " + newer.get() + " registered in topic " + topic + " after this "
                    + instance.describe() + "; this instance stops (checkpoint " + context.getCheckpointId()
                    + " fails, so it commits no more output) and does not restart"));
        }
    }

    /** Reads the fence topic up to its current end. */
    private void catchUp() {
        long end = consumer.endOffsets(List.of(partition), KAFKA_TIMEOUT).get(partition);
        long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
        while (consumer.position(partition, KAFKA_TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read topic " + topic + " up to offset " + end + " from "
                        + bootstrapServers + " within " + KAFKA_TIMEOUT.toSeconds() + " s; expected a reachable"
                        + " fence topic (fence.topic)");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                registry.add(record.key(), record.value());
            }
        }
    }

    private Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    @Override
    public void close() throws Exception {
        try {
            if (consumer != null) {
                consumer.close();
            }
        } finally {
            super.close();
        }
    }
}
