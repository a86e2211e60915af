package io.inferstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigFilesTest {

    private final Path dataDir = Path.of("target", "some-broker").toAbsolutePath();

    @Test
    void shouldConfigureASingleNodeCombinedKraftBrokerOnLoopback() {
        Map<String, String> p = BrokerConfigFiles.serverProperties(dataDir, 19092, 19093);

        assertThat(p)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092");
        assertThat(p.get("log.dirs")).startsWith(dataDir.toString().replace('\\', '/'));
    }

    @Test
    void shouldGiveInternalTopicsOneReplicaSoTheyCanBeCreatedOnOneNode() {
        Map<String, String> p = BrokerConfigFiles.serverProperties(dataDir, 19092, 19093);

        assertThat(p)
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1")
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("transaction.max.timeout.ms", "900000");
    }

    @Test
    void shouldLogToAFileInTheDataDirNotTheConsole() {
        Map<String, String> p = BrokerConfigFiles.log4jProperties(dataDir);

        assertThat(p.get("appender.file.fileName")).endsWith("/some-broker/broker.log");
        assertThat(p.keySet()).noneMatch(key -> key.contains("console"));
    }
}
