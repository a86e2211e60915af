package io.inferstream.cli;

import io.inferstream.config.ConfigFiles;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.flink.ImageJobPipeline;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.inference.ImageModelSpec;
import io.inferstream.kafka.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a job on a local Flink runtime (with the web UI) against any Kafka cluster. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run a job on a local Flink runtime against a Kafka cluster, until Ctrl-C.")
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The job: image-classifier.")
    String job;

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, HOST:PORT.")
    String bootstrap;

    @Option(names = "--config", description = "Job configuration file (default: jobs/<job>.yaml).")
    Path config;

    @Option(names = "--model", description = "ONNX model file (model.path).")
    String model;

    @Option(names = "--input-topic", description = "Input topic (topics.input).")
    String inputTopic;

    @Option(names = "--output-topic", description = "Prediction topic (topics.output).")
    String outputTopic;

    @Option(names = "--dlq-topic", description = "Dead-letter topic (topics.dlq).")
    String dlqTopic;

    @Option(names = "--output-format", description = "avro or json (output.format).")
    String outputFormat;

    @Option(names = "--parallelism", description = "Parallelism of the job (parallelism).")
    Integer parallelism;

    @Option(names = "--checkpoint-dir", description = "Directory for checkpoints (checkpoint.dir).")
    String checkpointDir;

    @Option(names = "--delivery", description = "exactly-once or at-least-once (delivery).")
    String delivery;

    @Option(names = "--create-topics", description = "Create missing topics (topics.create).")
    boolean createTopics;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description = "Port of the Flink web UI (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int webUiPort;

    @Option(names = "--set", description = "Any configuration key, KEY=VALUE; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!job.equals(ImageJobConfig.JOB)) {
            throw new IllegalArgumentException("job '" + job + "': expected " + ImageJobConfig.JOB);
        }
        ImageJobConfig cfg = ImageJobConfig.from(values());
        if (cfg.common.createTopics) {
            Topics.ensure(
                    cfg.common.bootstrapServers,
                    Map.of(
                            cfg.common.inputTopic, cfg.common.topicPartitions,
                            cfg.common.outputTopic, cfg.common.topicPartitions,
                            cfg.common.deadLetterTopic, cfg.common.topicPartitions));
        }
        int port = webUiPort == 0 ? LocalPorts.free() : webUiPort;
        StreamExecutionEnvironment env = JobEnvironments.localWithWebUi(cfg.common, port);
        ImageModelSpec spec = ImageJobPipeline.wire(env, cfg);
        System.out.println("model: " + spec);
        System.out.println("job " + cfg.common.jobName + ": " + cfg.common.inputTopic + " -> "
                + cfg.common.outputTopic + " (dead letters: " + cfg.common.deadLetterTopic
                + "), " + cfg.common.delivery + ", Flink web UI at http://127.0.0.1:" + port);
        env.execute(cfg.common.jobName);
        return 0;
    }

    /** The configuration file's values with the command line's on top. */
    Map<String, Object> values() {
        Path file = config != null ? config : Path.of("jobs", job + ".yaml");
        Map<String, Object> values = new LinkedHashMap<>(ConfigFiles.load(file));
        values.put("kafka.bootstrap", bootstrap);
        putIfSet(values, "model.path", model);
        putIfSet(values, "topics.input", inputTopic);
        putIfSet(values, "topics.output", outputTopic);
        putIfSet(values, "topics.dlq", dlqTopic);
        putIfSet(values, "output.format", outputFormat);
        putIfSet(values, "parallelism", parallelism);
        putIfSet(values, "checkpoint.dir", checkpointDir);
        putIfSet(values, "delivery", delivery);
        if (createTopics) {
            values.put("topics.create", "true");
        }
        values.putAll(settings);
        return values;
    }

    private static void putIfSet(Map<String, Object> values, String key, Object value) {
        if (value != null) {
            values.put(key, value.toString());
        }
    }
}
