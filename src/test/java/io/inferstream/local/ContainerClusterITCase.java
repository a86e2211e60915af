package io.inferstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * {@link ClusterScenario} on containers, where a Docker engine runs: Kafka, a Flink JobManager
 * and TaskManagers from the official images the project builds against, ONNX Runtime in
 * Flink's lib/, the job jar submitted through the REST API, a TaskManager container killed with
 * SIGKILL. Skipped (not failed) where there is no Docker engine, as on the project's machines,
 * so it has not run there; {@link LocalClusterITCase} runs the same scenario on processes.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerClusterITCase {
    private static final String FLINK_IMAGE = "flink:2.2.1-java17";
    private static final Path JOB_JAR = Path.of("target/inferstream-0.1.0-SNAPSHOT-job.jar");
    private static final Path ONNX_RUNTIME = Path.of("target/flink-lib/onnxruntime-1.28.0.jar");
    private static final String FLINK_PROPERTIES = String.join(
            "\n",
            "jobmanager.rpc.address: jobmanager",
            "taskmanager.numberOfTaskSlots: 2",
            "taskmanager.memory.process.size: 1536m",
            "taskmanager.memory.task.off-heap.size: 128m",
            "classloader.parent-first-patterns.additional: ai.onnxruntime",
            "state.backend.type: rocksdb",
            "execution.checkpointing.dir: file:///checkpoints/checkpoints",
            "execution.checkpointing.savepoint-dir: file:///checkpoints/savepoints",
            "restart-strategy.type: fixed-delay",
            "restart-strategy.fixed-delay.attempts: 20",
            "restart-strategy.fixed-delay.delay: 2 s");

    private static final Network NETWORK = Network.newNetwork();
    private static final List<GenericContainer<?>> TASK_MANAGERS = new ArrayList<>();
    private static KafkaContainer kafka;
    private static GenericContainer<?> jobManager;
    private static Path shared;
    private static String jarId;

    @BeforeAll
    static void startContainers() throws Exception {
        assertThat(JOB_JAR).as("job jar built by the package phase").isRegularFile();
        assertThat(ONNX_RUNTIME)
                .as("ONNX Runtime copied for Flink's lib/ by the package phase")
                .isRegularFile();
        shared = Files.createTempDirectory(Files.createDirectories(Path.of("target/cluster-test")), "containers-");
        // The Flink image runs as uid 9999: the shared folder must be writable for it.
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        kafka = new KafkaContainer("apache/kafka:4.2.0").withNetwork(NETWORK).withListener("kafka:19092");
        kafka.start();
        jobManager = flink("jobmanager")
                .withNetworkAliases("jobmanager")
                .withExposedPorts(8081)
                .waitingFor(Wait.forHttp("/overview").forPort(8081).withStartupTimeout(Duration.ofMinutes(2)));
        jobManager.start();
        for (int i = 0; i < 2; i++) {
            startTaskManagerContainer();
        }
        FlinkRest rest = rest();
        long deadline = System.currentTimeMillis() + 120_000;
        while (rest.taskManagerCount() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        jarId = rest.uploadJar(JOB_JAR);
    }

    @AfterAll
    static void stopContainers() {
        TASK_MANAGERS.forEach(GenericContainer::stop);
        if (jobManager != null) {
            jobManager.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        NETWORK.close();
    }

    private static GenericContainer<?> flink(String role) {
        return new GenericContainer<>(FLINK_IMAGE)
                .withNetwork(NETWORK)
                .withCommand(role)
                .withEnv("FLINK_PROPERTIES", FLINK_PROPERTIES)
                .withFileSystemBind(
                        ONNX_RUNTIME.toAbsolutePath().toString(),
                        "/opt/flink/lib/onnxruntime-1.28.0.jar",
                        BindMode.READ_ONLY)
                .withFileSystemBind(
                        Path.of("models").toAbsolutePath().toString(), "/opt/inferstream/models", BindMode.READ_ONLY)
                .withFileSystemBind(
                        Path.of("jobs").toAbsolutePath().toString(), "/opt/inferstream/jobs", BindMode.READ_ONLY)
                .withFileSystemBind(shared.toAbsolutePath().toString(), "/checkpoints", BindMode.READ_WRITE)
                .withWorkingDirectory("/opt/inferstream");
    }

    private static void startTaskManagerContainer() {
        GenericContainer<?> taskManager = flink("taskmanager");
        taskManager.start();
        TASK_MANAGERS.add(taskManager);
    }

    private static FlinkRest rest() {
        return new FlinkRest("http://" + jobManager.getHost() + ":" + jobManager.getMappedPort(8081));
    }

    @Test
    void shouldKeepEveryKeysStateThroughFailoverSavepointsAndRescaling() throws Exception {
        new ClusterScenario(new Containers(), kafka.getBootstrapServers()).run();
    }

    /** The containers as the scenario drives them. */
    private static final class Containers implements ClusterUnderTest {
        @Override
        public FlinkRest rest() {
            return ContainerClusterITCase.rest();
        }

        @Override
        public String jarId() {
            return jarId;
        }

        @Override
        public String jobBootstrap() {
            return "kafka:19092";
        }

        @Override
        public Path savepointsDir() {
            return Path.of("/checkpoints/savepoints");
        }

        @Override
        public void killTaskManager() {
            GenericContainer<?> victim = TASK_MANAGERS.remove(0);
            DockerClientFactory.instance()
                    .client()
                    .killContainerCmd(victim.getContainerId())
                    .withSignal("KILL")
                    .exec();
        }

        @Override
        public void startTaskManager() {
            startTaskManagerContainer();
        }

        @Override
        public String placeModel(String fileName, byte[] model) throws Exception {
            Files.write(shared.resolve(fileName), model);
            return "/checkpoints/" + fileName;
        }

        @Override
        public String scrapeMetrics() {
            // No reporter is configured on the containers; docker-compose.yml is where one belongs.
            return "";
        }

        /** Each container is one JVM; ONNX Runtime unpacks itself into its /tmp once per load. */
        @Override
        public void checkOnnxRuntimeLoadedOncePerProcess() throws Exception {
            List<GenericContainer<?>> all = new ArrayList<>(TASK_MANAGERS);
            all.add(jobManager);
            for (GenericContainer<?> container : all) {
                String count = container
                        .execInContainer("sh", "-c", "ls -d /tmp/onnxruntime-java* 2>/dev/null | wc -l")
                        .getStdout()
                        .trim();
                assertThat(Integer.parseInt(count))
                        .as("ONNX Runtime loads in %s", container.getContainerName())
                        .isLessThanOrEqualTo(1);
            }
        }
    }
}
