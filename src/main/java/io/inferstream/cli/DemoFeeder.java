package io.inferstream.cli;

import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.local.KafkaClients;
import io.inferstream.local.Pacer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the bundled sample images as PNG files at a fixed rate, round after round, with a
 * damaged image now and then so the dead-letter topic has something to show.
 */
final class DemoFeeder extends BackgroundLoop {
    private static final int DAMAGED_EVERY = 100;

    private final String bootstrap;
    private final String topic;
    private final int rate;

    DemoFeeder(String bootstrap, String topic, int rate) {
        super("demo-feeder");
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.rate = Math.max(1, rate);
    }

    @Override
    void loop() {
        SampleImages samples = SampleImages.loadBundled();
        byte[][] pngs = samples.pngs();
        Pacer pacer = new Pacer(rate);
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap)) {
            while (running()) {
                int index = (int) (sent % pngs.length);
                byte[] key = SampleImages.key(index).getBytes(StandardCharsets.UTF_8);
                byte[] value = pngs[index];
                if (sent % DAMAGED_EVERY == DAMAGED_EVERY - 1) {
                    // Cut the PNG in half: the job must send it to the dead-letter topic and go on.
                    value = java.util.Arrays.copyOf(value, value.length / 2);
                    key = ("damaged-" + sent).getBytes(StandardCharsets.UTF_8);
                }
                producer.send(new ProducerRecord<>(topic, key, value));
                sent++;
                pacer.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running()) {
                System.err.println("demo feeder stopped: " + e);
            }
        }
    }
}
