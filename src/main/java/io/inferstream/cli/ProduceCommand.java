package io.inferstream.cli;

import io.inferstream.avro.ImageEvent;
import io.inferstream.kafka.KafkaClients;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sends input records to Kafka: image files as raw bytes (or Avro ImageEvents). */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Send inputs to a Kafka topic.",
        subcommands = {ProduceCommand.Images.class})
public final class ProduceCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("use: inferstream produce images --bootstrap HOST:PORT --topic T PATH...");
    }

    /** Image files, or every image in a folder, keyed by file name. */
    @Command(
            name = "images",
            mixinStandardHelpOptions = true,
            description = "Send image files (or every image in a folder) as raw bytes, keyed by file name.")
    static final class Images implements Callable<Integer> {
        private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

        @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
        String bootstrap;

        @Option(names = "--topic", defaultValue = "images", description = "Topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(names = "--avro", description = "Wrap each image in an Avro ImageEvent (single-object encoding).")
        boolean avro;

        @Parameters(arity = "1..*", description = "Image files or folders.")
        List<Path> paths;

        @Override
        public Integer call() throws IOException {
            List<Path> files = imageFiles(paths);
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.bytesProducer(bootstrap)) {
                for (Path file : files) {
                    String key = file.getFileName().toString();
                    byte[] bytes = Files.readAllBytes(file);
                    byte[] value = avro ? imageEvent(key, bytes) : bytes;
                    producer.send(new ProducerRecord<>(topic, key.getBytes(), value));
                }
                producer.flush();
            }
            System.out.println("sent " + files.size() + " images to " + topic);
            return 0;
        }

        private static byte[] imageEvent(String source, byte[] image) throws IOException {
            ImageEvent event = ImageEvent.newBuilder()
                    .setSource(source)
                    .setEventTime(java.time.Instant.now())
                    .setImage(ByteBuffer.wrap(image))
                    .build();
            ByteBuffer encoded = ImageEvent.getEncoder().encode(event);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        }

        static List<Path> imageFiles(List<Path> paths) throws IOException {
            List<Path> files = new ArrayList<>();
            for (Path path : paths) {
                if (Files.isDirectory(path)) {
                    try (Stream<Path> listing = Files.list(path)) {
                        listing.filter(Images::isImage).sorted().forEach(files::add);
                    }
                } else if (Files.isRegularFile(path)) {
                    files.add(path);
                } else {
                    throw new IllegalArgumentException("'" + path + "': expected an image file or a folder");
                }
            }
            return files;
        }

        private static boolean isImage(Path path) {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            return Files.isRegularFile(path) && EXTENSIONS.stream().anyMatch(name::endsWith);
        }
    }
}
