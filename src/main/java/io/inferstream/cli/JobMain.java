package io.inferstream.cli;

import io.inferstream.flink.PreparedJob;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The job jar's entry point: {@code flink run inferstream-job.jar JOB [--config FILE] [flags]},
 * or the REST API's /jars/.../run with the same program arguments; {@code sql -f FILE.sql}
 * submits a SQL script's job instead. Runs in the cluster's
 * context environment, with the job's checkpointing and state settings applied.
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
        System.out.println("model: " + model);
        env.execute(prepared.settings.jobName);
        return 0;
    }

    public static void main(String[] args) throws Exception {
        // sql -f SCRIPT: the script's statements submit their job to the cluster around.
        boolean sql = args.length > 0 && args[0].equals("sql");
        CommandLine cli = sql ? contextual(new CommandLine(new SqlCommand(true))) : commandLine();
        int code = cli.execute(sql ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
        if (code != 0) {
            // The arguments may hold secrets (--set kafka.properties.sasl.jaas.config=...), and this
            // message reaches the JobManager's log and the REST answer of /jars/:id/run.
            throw new IllegalArgumentException("inferstream-job "
                    + String.join(" ", SecretArguments.mask(List.of(args))) + " exited with " + code);
        }
    }

    /** The job jar's command line; a bad argument is reported with secret values hidden. */
    static CommandLine commandLine() {
        return contextual(new CommandLine(new JobMain()));
    }

    private static CommandLine contextual(CommandLine cli) {
        // Errors propagate to Flink's client (and its REST answer) instead of calling System.exit.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            throw e;
        });
        cli.setParameterExceptionHandler(SecretArguments.parameterExceptionHandler());
        return cli;
    }
}
