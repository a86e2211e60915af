package io.inferstream.testing;

import io.inferstream.kafka.Topics;
import io.inferstream.local.LocalKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs one real local Kafka broker per test class, registered with
 * {@code @RegisterExtension static KafkaBroker kafka = new KafkaBroker();}.
 *
 * <p>The broker's data dir lies under {@code target/kafka-test/} rather than {@code /tmp}, so a
 * failed run leaves its broker log where {@code mvn clean} finds it.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private static final Path TEST_DIRS = Path.of("target", "kafka-test");

    private final AtomicInteger topicCounter = new AtomicInteger();
    private LocalKafkaBroker broker;
    // Nested test classes call beforeAll again; only the outermost class starts and stops the broker.
    private int depth;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (depth++ > 0) {
            return;
        }
        broker =
                LocalKafkaBroker.start(newDataDir(context.getRequiredTestClass().getSimpleName()), 0, true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--depth > 0 || broker == null) {
            return;
        }
        broker.close();
        broker = null;
    }

    /** A fresh directory under {@code target/kafka-test/} for a broker's data. */
    public static Path newDataDir(String prefix) throws IOException {
        Files.createDirectories(TEST_DIRS);
        return Files.createTempDirectory(TEST_DIRS, prefix + "-");
    }

    /** The running broker, for its pid and data dir. */
    public LocalKafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("The Kafka broker is not running; register KafkaBroker with"
                    + " @RegisterExtension on a static field, and use it from tests or @BeforeAll");
        }
        return broker;
    }

    /** The {@code bootstrap.servers} value of the running broker. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** Client properties holding only {@code bootstrap.servers}, to add producer or consumer settings to. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /**
     * A topic name not used before on this broker, {@code prefix-N}; the topic is not created. Each
     * test class has a fresh broker, so a counter is enough.
     */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + topicCounter.incrementAndGet();
    }

    /** Creates {@code name} with {@code partitions} partitions unless it exists, and returns the name. */
    public String createTopic(String name, int partitions) {
        Topics.ensure(bootstrapServers(), Map.of(name, partitions));
        return name;
    }
}
