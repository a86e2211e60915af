package io.inferstream.cli;

import io.inferstream.avro.DeadLetter;
import io.inferstream.avro.ImagePrediction;
import io.inferstream.avro.ModelStatus;
import io.inferstream.avro.TickPrediction;
import io.inferstream.demo.cnn.SampleImages;
import io.inferstream.output.RecordDecoder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed predictions and dead letters and prints one line per record: source,
 * predicted label and score, the true label, running accuracy and events per second.
 */
final class DemoPrinter extends BackgroundLoop {
    private final String bootstrap;
    private final List<String> topics;
    private final ArrayDeque<Long> recentArrivals = new ArrayDeque<>();
    private long predictions;
    private long labelled;
    private long correct;
    private long deadLetters;
    private final TickDemoStats ticks = new TickDemoStats();

    private final String alertsTopic;
    private long alerts;

    DemoPrinter(String bootstrap, List<String> topics) {
        this(bootstrap, topics, null);
    }

    /** Prints records from {@code alertsTopic} as alerts. */
    DemoPrinter(String bootstrap, List<String> topics, String alertsTopic) {
        super("demo-printer");
        this.alertsTopic = alertsTopic;
        this.bootstrap = bootstrap;
        this.topics = List.copyOf(topics);
    }

    synchronized long predictions() {
        return predictions;
    }

    synchronized String summary() {
        return String.format(
                "%d image predictions, %d dead letters, accuracy %.1f%% on %d labelled images; %s, %d alerts",
                predictions,
                deadLetters,
                labelled == 0 ? 0.0 : 100.0 * correct / labelled,
                labelled,
                ticks.summary(),
                alerts);
    }

    synchronized long tickPredictions() {
        return ticks.count();
    }

    @Override
    boolean interruptOnStop() {
        return false;
    }

    @Override
    void loop() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "inferstream-demo-printer");
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            while (running()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    SpecificRecord decoded = RecordDecoder.decodeAvro(record.value());
                    String line = record.topic().equals(alertsTopic) && decoded instanceof TickPrediction p
                            ? alert(p)
                            : line(decoded);
                    if (line != null) {
                        System.out.println(line);
                    }
                }
            }
        } catch (RuntimeException e) {
            if (running()) {
                System.err.println("demo printer stopped: " + e);
            }
        }
    }

    private synchronized String alert(TickPrediction p) {
        alerts++;
        return String.format(
                "ALERT  %s step %d  value %s is %.1f spreads from its forecast",
                p.getKey(),
                p.getStep(),
                p.getInputs().stream().map(v -> String.format("%.3f", v)).collect(Collectors.joining(", ")),
                p.getAnomalyScore());
    }

    private synchronized String line(SpecificRecord record) {
        if (record instanceof DeadLetter) {
            DeadLetter d = (DeadLetter) record;
            deadLetters++;
            return String.format(
                    "dead letter  %s-%d@%d  %s: %s",
                    d.getTopic(), d.getPartition(), d.getOffset(), d.getReason(), d.getError());
        }
        if (record instanceof TickPrediction) {
            return ticks.line((TickPrediction) record);
        }
        if (record instanceof ModelStatus s) {
            return String.format(
                    "model update  %s[%d] %s %s version %s: now serving version %s%s",
                    s.getJob(),
                    s.getSubtask(),
                    s.getStatus(),
                    s.getUri(),
                    s.getVersion(),
                    s.getActiveVersion(),
                    s.getReason() == null ? "" : " (" + s.getReason() + ")");
        }
        if (!(record instanceof ImagePrediction)) {
            return "unexpected record: " + record;
        }
        ImagePrediction p = (ImagePrediction) record;
        predictions++;
        int index = SampleImages.indexOfKey(p.getSource());
        String truth = "?";
        String mark = " ";
        if (index >= 0) {
            truth = SampleImages.labelNames().get(sampleLabel(index));
            labelled++;
            boolean ok = truth.equals(p.getLabel());
            correct += ok ? 1 : 0;
            mark = ok ? "✓" : "✗";
        }
        return String.format(
                "%-18s %-12s %.2f  true: %-12s %s  accuracy %5.1f%% (%d)  %6.1f images/s",
                p.getSource(),
                p.getLabel(),
                p.getScore(),
                truth,
                mark,
                labelled == 0 ? 0.0 : 100.0 * correct / labelled,
                labelled,
                rate());
    }

    private SampleImages samples;

    private int sampleLabel(int index) {
        if (samples == null) {
            samples = SampleImages.loadBundled();
        }
        return samples.label(index);
    }

    /** Predictions per second over the last five seconds. */
    private double rate() {
        long now = System.currentTimeMillis();
        recentArrivals.addLast(now);
        while (!recentArrivals.isEmpty() && recentArrivals.peekFirst() < now - 5000) {
            recentArrivals.removeFirst();
        }
        return recentArrivals.size() / 5.0;
    }
}
