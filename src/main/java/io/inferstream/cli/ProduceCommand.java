package io.inferstream.cli;

import io.inferstream.avro.ImageEvent;
import io.inferstream.local.CheckedSender;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sends input records to Kafka: image files as raw bytes (or Avro ImageEvents). */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Send inputs to a Kafka topic.",
        subcommands = {ProduceCommand.Images.class, ProduceCommand.Ticks.class})
public final class ProduceCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("use: inferstream produce images|ticks --bootstrap HOST:PORT --topic T ...");
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
            long sent;
            try (CheckedSender sender = new CheckedSender(bootstrap)) {
                for (Path file : files) {
                    String key = file.getFileName().toString();
                    byte[] bytes = Files.readAllBytes(file);
                    byte[] value = avro ? imageEvent(key, bytes) : bytes;
                    sender.send(topic, key.getBytes(StandardCharsets.UTF_8), value);
                }
                sent = sender.flush();
            }
            System.out.println("sent " + sent + " images to " + topic);
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

    /** Ticks from a CSV or JSON-lines file, or standard input, sent as JSON as they are read. */
    @Command(
            name = "ticks",
            mixinStandardHelpOptions = true,
            description = "Send ticks from a CSV file (header row; key, time and value columns by name) or JSON lines,"
                    + " from a file or standard input (-), so a live feed can be piped in.")
    static final class Ticks implements Callable<Integer> {
        @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
        String bootstrap;

        @Option(names = "--topic", defaultValue = "ticks", description = "Topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(
                names = "--key-column",
                defaultValue = "key",
                description = "CSV column with the series key (default: ${DEFAULT-VALUE}).")
        String keyColumn;

        @Option(
                names = "--time-column",
                defaultValue = "ts",
                description = "CSV column with the time, epoch millis or ISO-8601 (default: ${DEFAULT-VALUE}).")
        String timeColumn;

        @Option(
                names = "--value-columns",
                split = ",",
                description = "CSV value columns, in order (default: every other column).")
        List<String> valueColumns = new ArrayList<>();

        @Option(names = "--key", description = "One key for every tick (a file holding a single series).")
        String key;

        @Parameters(index = "0", description = "A CSV or JSON-lines file, or - for standard input.")
        String file;

        @Override
        public Integer call() throws IOException {
            TickLines lines = new TickLines(keyColumn, timeColumn, valueColumns, key);
            long sent;
            try (CheckedSender sender = new CheckedSender(bootstrap);
                    BufferedReader reader = file.equals("-")
                            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                            : Files.newBufferedReader(Path.of(file))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    TickLines.Tick tick = lines.next(line);
                    if (tick != null) {
                        byte[] key = tick.key() == null ? null : tick.key().getBytes(StandardCharsets.UTF_8);
                        sender.send(topic, key, tick.json().getBytes(StandardCharsets.UTF_8));
                    }
                }
                sent = sender.flush();
            }
            System.out.println("sent " + sent + " ticks to " + topic);
            return 0;
        }
    }
}
