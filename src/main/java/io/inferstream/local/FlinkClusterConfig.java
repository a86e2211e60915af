package io.inferstream.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Flink 2.x configuration of the local cluster, and the JVM settings Flink derives from it. */
final class FlinkClusterConfig {
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /** Ports in the Prometheus reporter's range: one per process, with room for replacements. */
    static final int METRICS_PORTS = 10;

    private FlinkClusterConfig() {}

    /** Writes conf/config.yaml and conf/log4j.properties under the cluster directory. */
    static void write(Path dir, int restPort, int rpcPort, int metricsPort, int slots) throws IOException {
        String config = String.join(
                "\n",
                "# Written by bin/inferstream cluster up: a standalone session cluster on this machine.",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slots,
                "taskmanager.memory.process.size: 1536m",
                // ONNX Runtime allocates outside the heap; budget it as task off-heap memory.
                "taskmanager.memory.task.off-heap.size: 128m",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "parallelism.default: 1",
                // ONNX Runtime lives on the cluster's class path (Flink's lib/ in a distribution):
                // loading it parent-first means one native library per JVM, however often jobs restart.
                "classloader.parent-first-patterns.additional: ai.onnxruntime",
                "state.backend.type: rocksdb",
                "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
                "execution.checkpointing.savepoint-dir: "
                        + dir.resolve("savepoints").toUri(),
                "heartbeat.timeout: 10000",
                "heartbeat.interval: 2000",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 20",
                "restart-strategy.fixed-delay.delay: 2 s",
                "web.upload.dir: " + dir.resolve("uploads"),
                // Every process serves its metrics for Prometheus on the first free port of this range.
                "metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "metrics.reporter.prom.port: " + metricsPort + "-" + (metricsPort + METRICS_PORTS - 1),
                "");
        Files.createDirectories(dir.resolve("uploads"));
        Files.writeString(dir.resolve("conf/config.yaml"), config, StandardCharsets.UTF_8);
        String log4j = String.join(
                "\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "");
        Files.writeString(dir.resolve("conf/log4j.properties"), log4j, StandardCharsets.UTF_8);
    }

    /**
     * Asks Flink's BashJavaUtils (as flink-dist's scripts do) for a process's JVM memory flags
     * and its dynamic memory properties: element 0 the flags, element 1 the -D properties.
     */
    static List<String> resourceParams(String classPath, Path confDir, String command) throws IOException {
        Process process = new ProcessBuilder(
                        ChildJvm.javaExecutable(),
                        "-XX:-UsePerfData",
                        "-cp",
                        classPath,
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        command,
                        "--configDir",
                        confDir.toString())
                .redirectErrorStream(true)
                .start();
        List<String> results = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (String line : new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            all.append(line).append('\n');
            if (line.startsWith(RESULT_PREFIX)) {
                results.add(line.substring(RESULT_PREFIX.length()));
            }
        }
        try {
            process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (results.size() < 2) {
            throw new IllegalStateException(
                    "BashJavaUtils " + command + " gave " + results.size() + " results; expected 2. Output:\n" + all);
        }
        return results.subList(results.size() - 2, results.size());
    }
}
