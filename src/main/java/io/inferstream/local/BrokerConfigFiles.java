package io.inferstream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the server.properties and log4j2 configuration of a single-node KRaft broker. */
final class BrokerConfigFiles {

    static final String HOST = "127.0.0.1";
    static final String NODE_ID = "1";
    /** Topic data and the KRaft metadata log, relative to the data dir. */
    static final String LOG_DIR = "logs";

    /** The broker's maximum transaction timeout, which exactly-once producers must stay under. */
    static final long TRANSACTION_MAX_TIMEOUT_MS = 900_000L;

    private BrokerConfigFiles() {}

    /** The broker settings: KRaft combined mode, one node, plain-text listeners on loopback. */
    static Map<String, String> serverProperties(Path dataDir, int brokerPort, int controllerPort) {
        return serverProperties(dataDir, brokerPort, controllerPort, 0, Map.of());
    }

    /**
     * As above, plus, when {@code saslPort} is not 0, a SASL_PLAINTEXT listener named SASL with the
     * PLAIN mechanism for these users and passwords (the broker's own traffic stays plain-text).
     */
    static Map<String, String> serverProperties(
            Path dataDir, int brokerPort, int controllerPort, int saslPort, Map<String, String> users) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", NODE_ID);
        // A static voter set: the single node is the whole quorum, so no dynamic-quorum bootstrap is needed.
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", slashes(dataDir.resolve(LOG_DIR)));
        if (saslPort != 0) {
            p.put("listeners", p.get("listeners") + ",SASL://" + HOST + ":" + saslPort);
            p.put("advertised.listeners", p.get("advertised.listeners") + ",SASL://" + HOST + ":" + saslPort);
            p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + ",SASL:SASL_PLAINTEXT");
            p.put("sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            users.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            p.put("listener.name.sasl.plain.sasl.jaas.config", jaas.append(';').toString());
        }

        // The internal topics default to 3 replicas and would never be created on one node.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer than the default 50 partitions: creating them is the slow part of the first group or
        // transaction on a 2-core machine, and one node gains nothing from more.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.num.partitions", "4");

        // Tests and demos start consumers one by one; waiting 3 s for more members only slows them.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Jobs create their topics explicitly, so a typo in a topic name fails instead of creating one.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "2");
        // Kafka's default (15 min), stated because Flink's exactly-once sink must set its
        // transaction.timeout.ms at or below it.
        p.put("transaction.max.timeout.ms", Long.toString(TRANSACTION_MAX_TIMEOUT_MS));
        return p;
    }

    /** A log4j2 configuration that sends the broker's log to {@code dataDir/broker.log}, not the console. */
    static Map<String, String> log4jProperties(Path dataDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("status", "warn");
        p.put("appender.file.type", "RollingFile");
        p.put("appender.file.name", "file");
        p.put("appender.file.fileName", slashes(dataDir.resolve("broker.log")));
        p.put("appender.file.filePattern", slashes(dataDir.resolve("broker.log.%i")));
        p.put("appender.file.layout.type", "PatternLayout");
        p.put("appender.file.layout.pattern", "[%d] %p %m (%c)%n");
        // Bounded, so a demo broker left running for days does not fill the disk.
        p.put("appender.file.policies.type", "Policies");
        p.put("appender.file.policies.size.type", "SizeBasedTriggeringPolicy");
        p.put("appender.file.policies.size.size", "10MB");
        p.put("appender.file.strategy.type", "DefaultRolloverStrategy");
        p.put("appender.file.strategy.max", "2");
        p.put("rootLogger.level", "INFO");
        p.put("rootLogger.appenderRef.file.ref", "file");
        // Every client and server config is dumped at INFO on creation: hundreds of lines that bury the rest.
        p.put("logger.configs.name", "org.apache.kafka.common.config");
        p.put("logger.configs.level", "WARN");
        return p;
    }

    static void write(Path file, Map<String, String> properties) {
        StringBuilder text = new StringBuilder("# Written by LocalKafkaBroker; rewritten on every start.\n");
        properties.forEach(
                (key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** An absolute path with forward slashes, which both properties readers and Windows accept. */
    private static String slashes(Path path) {
        return path.toAbsolutePath().toString().replace('\\', '/');
    }
}
