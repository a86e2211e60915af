package io.inferstream.local;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends records without waiting for each, but remembers failures, so a tool that says "sent N"
 * has really had N acknowledged (a missing topic, say, is reported instead of hidden).
 */
public final class CheckedSender implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();

    public CheckedSender(String bootstrap) {
        this.producer = KafkaClients.bytesProducer(bootstrap);
    }

    public void send(String topic, byte[] key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    public void send(ProducerRecord<byte[], byte[]> record) {
        failIfAnyFailed();
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                firstError.compareAndSet(null, error);
            }
        });
    }

    /** Waits for every send; returns how many were acknowledged, or throws the first failure. */
    public long flush() {
        producer.flush();
        failIfAnyFailed();
        return acknowledged.get();
    }

    private void failIfAnyFailed() {
        Exception error = firstError.get();
        if (error != null) {
            throw new IllegalStateException("sending to Kafka failed: " + error.getMessage(), error);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
