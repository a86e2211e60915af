package io.inferstream.cli;

import io.inferstream.config.StreamJobSettings;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.flink.PreparedJob;
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

    @Parameters(index = "0", description = "The job: image-classifier or tick-forecaster.")
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

    @Option(names = "--state-backend", description = "hashmap or rocksdb (tick-forecaster; state.backend).")
    String stateBackend;

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
        PreparedJob prepared = PreparedJob.load(job, config, overrides());
        StreamJobSettings s = prepared.settings;
        if (s.createTopics) {
            Topics.ensure(s.bootstrapServers, prepared.topics());
        }
        int port = webUiPort == 0 ? LocalPorts.free() : webUiPort;
        StreamExecutionEnvironment env = JobEnvironments.localWithWebUi(prepared.flinkConfiguration, port);
        System.out.println("model: " + prepared.wire(env));
        System.out.println("job " + s.jobName + ": " + s.inputTopic + " -> " + s.outputTopic + " (dead letters: "
                + s.deadLetterTopic + "), " + s.delivery + ", Flink web UI at http://127.0.0.1:" + port);
        env.execute(s.jobName);
        return 0;
    }

    /** The command line's settings, which win over the configuration file's. */
    Map<String, Object> overrides() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("kafka.bootstrap", bootstrap);
        putIfSet(values, "model.path", model);
        putIfSet(values, "topics.input", inputTopic);
        putIfSet(values, "topics.output", outputTopic);
        putIfSet(values, "topics.dlq", dlqTopic);
        putIfSet(values, "output.format", outputFormat);
        putIfSet(values, "parallelism", parallelism);
        putIfSet(values, "checkpoint.dir", checkpointDir);
        putIfSet(values, "delivery", delivery);
        putIfSet(values, "state.backend", stateBackend);
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
