package io.inferstream.cli;

import io.inferstream.config.ConfigFiles;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.flink.ImageJobPipeline;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.kafka.LocalKafkaBroker;
import io.inferstream.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command demo: a real local Kafka broker, the image job on a local Flink runtime with
 * its web UI, the bundled Fashion-MNIST images fed in, and predictions printed as they arrive.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Start a local Kafka broker and the image job, feed sample images, print predictions. Ctrl-C stops everything.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "20", description = "Images sent per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--seconds",
            defaultValue = "0",
            description = "Stop after this many seconds (default: run until Ctrl-C).")
    int seconds;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description = "Port of the Flink web UI (default: ${DEFAULT-VALUE}; a free one if taken).")
    int webUiPort;

    @Option(
            names = "--config",
            defaultValue = "jobs/image-classifier.yaml",
            description = "Job configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() throws Exception {
        Path runDir = Files.createTempDirectory(RunDirs.base(), "demo-");
        DemoSession session = new DemoSession(runDir);
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    session.close();
                },
                "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            session.start();
            if (seconds > 0) {
                stop.await(seconds, TimeUnit.SECONDS);
            } else {
                stop.await();
            }
            DemoPrinter printer = session.printer;
            System.out.println(printer.summary());
            return printer.predictions() > 0 ? 0 : 1;
        } finally {
            session.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running already.
            }
        }
    }

    /** Everything the demo starts, stopped in reverse order by {@link #close}. */
    private final class DemoSession implements AutoCloseable {
        private final Path runDir;
        private LocalKafkaBroker broker;
        private StreamExecutionEnvironment env;
        private JobClient job;
        private DemoFeeder feeder;
        private DemoPrinter printer;
        private boolean closed;

        DemoSession(Path runDir) {
            this.runDir = runDir;
        }

        void start() throws Exception {
            System.out.println("Starting a local Kafka broker ...");
            broker = LocalKafkaBroker.start(runDir.resolve("kafka"), 0, true);
            String bootstrap = broker.bootstrapServers();
            Map<String, Object> values = new LinkedHashMap<>(ConfigFiles.load(config));
            values.put("kafka.bootstrap", bootstrap);
            values.put("checkpoint.dir", runDir.resolve("checkpoints").toString());
            ImageJobConfig cfg = ImageJobConfig.from(values);
            Topics.ensure(
                    bootstrap,
                    Map.of(cfg.common.inputTopic, 2, cfg.common.outputTopic, 2, cfg.common.deadLetterTopic, 2));
            int port = webUiPort != 0 && LocalPorts.isFree(webUiPort) ? webUiPort : LocalPorts.free();
            env = JobEnvironments.localWithWebUi(cfg.common, port);
            var spec = ImageJobPipeline.wire(env, cfg);
            job = env.executeAsync(cfg.common.jobName);
            System.out.printf(
                    "Kafka %s (pid %d) | Flink web UI http://127.0.0.1:%d | model %s%n"
                            + "Sending %d sample images/s to '%s'; predictions from '%s', dead letters from '%s'.%n"
                            + "Predictions appear at each checkpoint (exactly-once, every %d ms). Ctrl-C stops everything.%n",
                    bootstrap,
                    broker.pid(),
                    port,
                    spec,
                    rate,
                    cfg.common.inputTopic,
                    cfg.common.outputTopic,
                    cfg.common.deadLetterTopic,
                    cfg.common.checkpointIntervalMs);
            printer = new DemoPrinter(bootstrap, cfg.common.outputTopic, cfg.common.deadLetterTopic);
            printer.start();
            feeder = new DemoFeeder(bootstrap, cfg.common.inputTopic, rate);
            feeder.start();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (feeder != null) {
                feeder.stop();
            }
            if (printer != null) {
                printer.stop();
            }
            if (job != null) {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // Already finished or the cluster is shutting down: closing the environment ends it.
                }
            }
            if (env != null) {
                try {
                    env.close();
                } catch (Exception e) {
                    System.err.println("closing the local Flink runtime: " + e);
                }
            }
            if (broker != null) {
                broker.close();
            }
            FileTrees.deleteQuietly(runDir);
            System.out.println("Stopped: Flink job, Kafka broker; removed " + runDir + ".");
        }
    }
}
