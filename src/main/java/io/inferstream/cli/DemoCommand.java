package io.inferstream.cli;

import io.inferstream.config.ForecastSettings;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.TickJobConfig;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.flink.PreparedJob;
import io.inferstream.kafka.Topics;
import io.inferstream.local.FileTrees;
import io.inferstream.local.LocalKafkaBroker;
import io.inferstream.local.LocalPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                "Start a local Kafka broker and both jobs, feed sample images and synthetic sensor ticks, print predictions. Ctrl-C stops everything.")
public final class DemoCommand implements Callable<Integer> {

    static final String DEMO_HORIZON = "5";
    static final String DEMO_ALERTS_TOPIC = "tick-alerts";

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
            names = "--tick-rate",
            defaultValue = "2000",
            description = "Ticks sent per second, over all sensors (default: ${DEFAULT-VALUE}).")
    int tickRate;

    @Option(
            names = "--sensors",
            defaultValue = "1000",
            description = "Number of synthetic sensors (keys) (default: ${DEFAULT-VALUE}).")
    int sensors;

    @Option(
            names = "--image-config",
            defaultValue = "jobs/image-classifier.yaml",
            description = "Image job configuration (default: ${DEFAULT-VALUE}).")
    Path imageConfig;

    @Option(
            names = "--tick-config",
            defaultValue = "jobs/tick-forecaster.yaml",
            description = "Tick job configuration (default: ${DEFAULT-VALUE}).")
    Path tickConfig;

    @Override
    public Integer call() throws Exception {
        Path runDir = Files.createTempDirectory(RunDirs.scratch(), "demo-");
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
            return printer.predictions() > 0 && printer.tickPredictions() > 0 ? 0 : 1;
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
        private DemoFeeder imageFeeder;
        private TickFeeder tickFeeder;
        private DemoPrinter printer;
        private boolean closed;

        DemoSession(Path runDir) {
            this.runDir = runDir;
        }

        void start() throws Exception {
            System.out.println("Starting a local Kafka broker ...");
            broker = LocalKafkaBroker.start(runDir.resolve("kafka"), 0, true);
            String bootstrap = broker.bootstrapServers();
            Map<String, Object> overrides = Map.of(
                    "kafka.bootstrap",
                    bootstrap,
                    "checkpoint.dir",
                    runDir.resolve("checkpoints").toString());
            PreparedJob images = PreparedJob.load(ImageJobConfig.JOB, imageConfig, overrides);
            // The tick job also looks ahead, with intervals, and sends anomalous ticks to an alerts topic.
            Map<String, Object> tickOverrides = new java.util.HashMap<>(overrides);
            tickOverrides.putIfAbsent(ForecastSettings.HORIZON, DEMO_HORIZON);
            tickOverrides.putIfAbsent(ForecastSettings.ALERTS_TOPIC, DEMO_ALERTS_TOPIC);
            PreparedJob ticks = PreparedJob.load(TickJobConfig.JOB, tickConfig, tickOverrides);
            Topics.ensure(bootstrap, images.topics());
            Topics.ensure(bootstrap, ticks.topics());
            int port = webUiPort != 0 && LocalPorts.isFree(webUiPort) ? webUiPort : LocalPorts.free();
            // Both pipelines in one Flink job on one local runtime: one web UI, one checkpoint.
            env = JobEnvironments.localWithWebUi(ticks.flinkConfiguration, port);
            String imageModel = images.wire(env);
            String tickModel = ticks.wire(env);
            job = env.executeAsync("inferstream-demo");
            System.out.printf(
                    "Kafka %s (pid %d) | Flink web UI http://127.0.0.1:%d%n"
                            + "Images: %d/s to '%s' -> %s -> '%s' (dead letters '%s')%n"
                            + "Ticks:  %d/s over %d sensors to '%s' -> %s -> '%s' (dead letters '%s')%n"
                            + "Outputs appear at each checkpoint (exactly-once, every %d ms). Ctrl-C stops everything.%n",
                    bootstrap,
                    broker.pid(),
                    port,
                    rate,
                    images.settings.inputTopic,
                    imageModel,
                    images.settings.outputTopic,
                    images.settings.deadLetterTopic,
                    tickRate,
                    sensors,
                    ticks.settings.inputTopic,
                    tickModel,
                    ticks.settings.outputTopic,
                    ticks.settings.deadLetterTopic,
                    images.settings.checkpointIntervalMs);
            List<String> printed = new ArrayList<>(List.of(
                    images.settings.outputTopic, images.settings.deadLetterTopic,
                    ticks.settings.outputTopic, ticks.settings.deadLetterTopic));
            if (images.modelUpdates.enabled) {
                // What the jobs did with a model update sent while the demo runs (models update ...).
                printed.add(images.modelUpdates.statusTopic);
            }
            printed.add(DEMO_ALERTS_TOPIC);
            printer = new DemoPrinter(bootstrap, printed.stream().distinct().toList(), DEMO_ALERTS_TOPIC);
            printer.start();
            imageFeeder = new DemoFeeder(bootstrap, images.settings.inputTopic, rate);
            imageFeeder.start();
            tickFeeder = new TickFeeder(bootstrap, ticks.settings.inputTopic, tickRate, sensors);
            tickFeeder.start();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (imageFeeder != null) {
                imageFeeder.stop();
            }
            if (tickFeeder != null) {
                tickFeeder.stop();
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
