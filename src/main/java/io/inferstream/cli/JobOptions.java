package io.inferstream.cli;

import io.inferstream.config.JobArguments;
import io.inferstream.flink.PreparedJob;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A job and its settings as given on a command line: the job's name, its configuration file
 * and the flags that override it. Shared by {@code run} and {@code cluster submit}; the job jar
 * parses the same flags with {@link JobArguments}, whose table maps each flag to its key, so a
 * job takes the same arguments wherever it runs.
 */
public final class JobOptions {

    @Parameters(index = "0", description = "The job: image-classifier or tick-forecaster.")
    String job;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers, HOST:PORT (kafka.bootstrap).")
    String bootstrap;

    @Option(names = "--config", description = "Job configuration file (default: jobs/<job>.yaml).")
    Path config;

    @Option(names = "--model", description = "ONNX model: a path or a URI Flink can read (model.path).")
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

    @Option(
            names = "--execution-provider",
            description = "cpu or cuda (onnx.execution-provider; cuda needs the -Pgpu build).")
    String executionProvider;

    @Option(names = "--create-topics", description = "Create missing topics (topics.create).")
    boolean createTopics;

    @Option(
            names = "--from-scratch",
            description = "Start with empty state even where a checkpoint, a savepoint or committed offsets of the"
                    + " job exist; input resumes at the consumer group's committed offsets.")
    boolean fromScratch;

    @Option(names = "--set", description = "Any configuration key, KEY=VALUE; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    public String job() {
        return job;
    }

    /** The checked job: its configuration file, with these flags on top. */
    public PreparedJob prepare() {
        return PreparedJob.load(job, config, overrides());
    }

    /** The command line's settings, which win over the configuration file's. */
    Map<String, Object> overrides() {
        Map<String, Object> values = new LinkedHashMap<>();
        putIfSet(values, "--bootstrap", bootstrap);
        putIfSet(values, "--model", model);
        putIfSet(values, "--input-topic", inputTopic);
        putIfSet(values, "--output-topic", outputTopic);
        putIfSet(values, "--dlq-topic", dlqTopic);
        putIfSet(values, "--output-format", outputFormat);
        putIfSet(values, "--parallelism", parallelism);
        putIfSet(values, "--checkpoint-dir", checkpointDir);
        putIfSet(values, "--delivery", delivery);
        putIfSet(values, "--state-backend", stateBackend);
        putIfSet(values, "--execution-provider", executionProvider);
        if (createTopics) {
            values.put("topics.create", "true");
        }
        values.putAll(settings);
        return values;
    }

    private static void putIfSet(Map<String, Object> values, String flag, Object value) {
        if (value != null) {
            values.put(JobArguments.FLAGS.get(flag), value.toString());
        }
    }
}
