package io.inferstream.cli;

import io.inferstream.demo.rnn.SyntheticTicks;
import io.inferstream.local.KafkaClients;
import io.inferstream.local.Pacer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends synthetic sensor ticks as JSON, step after step: every sensor's reading of step t, then
 * of step t+1, at a fixed number of ticks per second; a NaN reading now and then shows the
 * dead-letter topic at work, and a spike on one sensor now and then the anomaly alerts.
 */
final class TickFeeder extends BackgroundLoop {
    private static final int NAN_EVERY = 5000;
    /** Every this many steps one sensor reads far off its course, for the anomaly flag to catch. */
    static final int SPIKE_EVERY_STEPS = 40;

    static final double SPIKE = 15.0;
    // Any seed gives the same kind of series; the demo model was fitted on other draws of them.
    private static final long DEMO_SEED = 2026L;

    private final String bootstrap;
    private final String topic;
    private final int rate;
    private final int sensors;

    TickFeeder(String bootstrap, String topic, int rate, int sensors) {
        super("demo-tick-feeder");
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.rate = Math.max(1, rate);
        this.sensors = Math.max(1, sensors);
    }

    /** Whether sensor k's reading at this step is a spike: one sensor each SPIKE_EVERY_STEPS steps. */
    boolean isSpike(int k, long step) {
        return step % SPIKE_EVERY_STEPS == SPIKE_EVERY_STEPS - 1
                && k == (int) ((step / SPIKE_EVERY_STEPS * 7) % sensors);
    }

    @Override
    void loop() {
        SyntheticTicks series = new SyntheticTicks(DEMO_SEED);
        Pacer pacer = new Pacer(rate);
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap)) {
            for (long step = 0; running(); step++) {
                for (int k = 0; k < sensors && running(); k++) {
                    String key = SyntheticTicks.key(k);
                    double value = sent % NAN_EVERY == NAN_EVERY - 1 ? Double.NaN : series.value(k, step);
                    if (isSpike(k, step)) {
                        value += SPIKE;
                    }
                    String json = String.format(
                            Locale.ROOT, "{\"key\":\"%s\",\"ts\":%d,\"value\":%s}", key, series.timestamp(step), value);
                    producer.send(new ProducerRecord<>(
                            topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
                    sent++;
                    pacer.await();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running()) {
                System.err.println("demo tick feeder stopped: " + e);
            }
        }
    }
}
