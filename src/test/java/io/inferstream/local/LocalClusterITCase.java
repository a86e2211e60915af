package io.inferstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.testing.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClusterScenario} on separate JobManager and TaskManager processes of this machine
 * ({@link LocalFlinkCluster}, one JobManager and two TaskManagers) running the job jar, with a
 * real broker, exactly-once, RocksDB and checkpoints every second.
 */
class LocalClusterITCase {
    private static final Path JOB_JAR = Path.of("target/inferstream-0.1.0-SNAPSHOT-job.jar");

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static LocalFlinkCluster cluster;
    private static String jarId;
    private static Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        assertThat(JOB_JAR).as("job jar built by the package phase").isRegularFile();
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target/cluster-test")), "cluster-");
        cluster = LocalFlinkCluster.start(dir, Path.of("").toAbsolutePath(), 2, 2, true);
        jarId = cluster.rest().uploadJar(JOB_JAR);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            List<Long> pids = cluster.livePids();
            cluster.close();
            assertThat(pids).allSatisfy(pid -> assertThat(
                            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("pid %d after close", pid)
                    .isFalse());
        }
    }

    @Test
    void shouldKeepEveryKeysStateThroughFailoverSavepointsAndRescaling() throws Exception {
        new ClusterScenario(new LocalProcesses(), KAFKA.bootstrapServers()).run();
    }

    /** The local cluster as the scenario drives it. */
    private static final class LocalProcesses implements ClusterUnderTest {
        @Override
        public FlinkRest rest() {
            return cluster.rest();
        }

        @Override
        public String jarId() {
            return jarId;
        }

        @Override
        public String jobBootstrap() {
            return KAFKA.bootstrapServers();
        }

        @Override
        public Path savepointsDir() {
            return cluster.savepointsDir();
        }

        @Override
        public void killTaskManager() {
            cluster.kill(cluster.livePids().get(1));
        }

        @Override
        public void startTaskManager() throws Exception {
            cluster.startTaskManager(Path.of("").toAbsolutePath());
        }

        @Override
        public String placeModel(String fileName, byte[] model) throws Exception {
            return Files.write(dir.resolve(fileName), model).toString();
        }

        @Override
        public String scrapeMetrics() {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            StringBuilder all = new StringBuilder();
            for (int port : cluster.metricsPorts()) {
                try {
                    all.append(http.send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body());
                } catch (Exception nobodyListens) {
                    // Ports of the range that no process took.
                }
            }
            return all.toString();
        }

        /**
         * ONNX Runtime unpacks its native library into java.io.tmpdir each time its classes load;
         * each process has its own temp dir.
         */
        @Override
        public void checkOnnxRuntimeLoadedOncePerProcess() throws Exception {
            for (long pid : cluster.livePids()) {
                assertThat(loads(pid))
                        .as("ONNX Runtime loads in process %d (%s)", pid, cluster.tmpDir(pid))
                        .isLessThanOrEqualTo(1);
            }
            // The JobManager checks every model at submission; the TaskManagers ran jobs through restarts.
            assertThat(loads(cluster.jobManagerPid())).isEqualTo(1);
            long taskManagersThatLoaded = 0;
            for (long pid : cluster.livePids().subList(1, cluster.livePids().size())) {
                taskManagersThatLoaded += loads(pid);
            }
            assertThat(taskManagersThatLoaded)
                    .as("TaskManagers that ran the model")
                    .isPositive();
        }

        private static long loads(long pid) throws Exception {
            try (Stream<Path> files = Files.list(cluster.tmpDir(pid))) {
                return files.filter(f -> f.getFileName().toString().startsWith("onnxruntime-java"))
                        .count();
            }
        }
    }
}
