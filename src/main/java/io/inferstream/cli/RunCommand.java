package io.inferstream.cli;

import io.inferstream.config.StreamJobSettings;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.flink.PreparedJob;
import io.inferstream.process.LocalPorts;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs a job on a local Flink runtime (with the web UI) against any Kafka cluster. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run a job on a local Flink runtime against a Kafka cluster, until Ctrl-C.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    JobOptions options;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description = "Port of the Flink web UI (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int webUiPort;

    @Override
    public Integer call() throws Exception {
        PreparedJob prepared = options.prepare();
        StreamJobSettings s = prepared.settings;
        int port = webUiPort == 0 ? LocalPorts.free() : webUiPort;
        StreamExecutionEnvironment env = JobEnvironments.localWithWebUi(prepared.flinkConfiguration, port);
        // The model is checked first: a misfit stops start-up before any Kafka is contacted.
        String model = prepared.wire(env);
        prepared.createTopicsIfAsked();
        System.out.println("model: " + model);
        System.out.println("job " + s.jobName + ": " + s.inputTopic + " -> " + s.outputTopic + " (dead letters: "
                + s.deadLetterTopic + "), " + s.delivery + ", Flink web UI at http://127.0.0.1:" + port);
        env.execute(s.jobName);
        return 0;
    }
}
