package io.inferstream.local;

import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for the launcher's tools (producers of demo and benchmark input). */
public final class KafkaClients {

    private KafkaClients() {}

    /** A byte-array producer that waits for all in-sync replicas and batches for 5 ms. */
    public static KafkaProducer<byte[], byte[]> bytesProducer(String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("linger.ms", "5");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
