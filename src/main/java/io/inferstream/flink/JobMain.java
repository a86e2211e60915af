package io.inferstream.cli;

import io.inferstream.flink.JobStart;
import io.inferstream.flink.PreparedJob;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The job jar's entry point: {@code flink run inferstream-job.jar JOB [--config FILE] [flags]},
 * or the REST API's /jars/.../run with the same program arguments. Runs in the cluster's
 * context environment, with the job's checkpointing and state settings applied. It resumes from
 * the checkpoint or savepoint the submitter names, and refuses to start afresh over a consumer
 * group with committed input offsets unless given --from-scratch.
 */
@Command(
        name = "inferstream-job",
        mixinStandardHelpOptions = true,
        description = "Submit an Inferstream job to the Flink cluster this runs in.")
public final class JobMain implements Callable<Integer> {

    @Mixin
    JobOptions options;

    @Override
    public Integer call() throws Exception {
        PreparedJob prepared = options.prepare();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(prepared.flinkConfiguration);
        // The model is checked first: a misfit stops start-up before any Kafka is contacted.
        String model = prepared.wire(env);
        prepared.createTopicsIfAsked();
        // The cluster restores what the submitter names (flink run -s, the REST savepointPath;
        // `cluster submit` finds the latest): without it, a fresh start over committed offsets is refused.
        String restore = env.getConfiguration()
                .getOptional(StateRecoveryOptions.SAVEPOINT_PATH)
                .orElse(null);
        System.out.println(JobStart.decide(prepared.settings, restore, options.fromScratch, null)
                .description());
        System.out.println("model: " + model);
        env.execute(prepared.settings.jobName);
        return 0;
    }

    public static void main(String[] args) throws Exception {
        int code = commandLine().execute(args);
        if (code != 0) {
            // The arguments may hold secrets (--set kafka.properties.sasl.jaas.config=...), and this
            // message reaches the JobManager's log and the REST answer of /jars/:id/run.
            throw new IllegalArgumentException("inferstream-job "
                    + String.join(" ", SecretArguments.mask(List.of(args))) + " exited with " + code);
        }
    }

    /** The job jar's command line; a bad argument is reported with secret values hidden. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new JobMain());
        // Errors propagate to Flink's client (and its REST answer) instead of calling System.exit.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            throw e;
        });
        cli.setParameterExceptionHandler(SecretArguments.parameterExceptionHandler());
        return cli;
    }
}
