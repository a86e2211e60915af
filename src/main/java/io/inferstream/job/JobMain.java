package io.inferstream.job;

import io.inferstream.config.JobArguments;
import io.inferstream.flink.JobStart;
import io.inferstream.flink.PreparedJob;
import io.inferstream.sql.SqlJob;
import java.util.List;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job jar's entry point: {@code flink run inferstream-job.jar JOB [--config FILE] [flags]},
 * or the REST API's /jars/.../run with the same program arguments ({@link JobArguments}). Runs in
 * the cluster's context environment, with the job's checkpointing and state settings applied. It
 * resumes from the checkpoint or savepoint the submitter names, and refuses to start afresh over
 * a consumer group with committed input offsets unless given --from-scratch. With
 * {@code sql -f FILE.sql [-D NAME=VALUE]...} it submits a SQL script's jobs instead ({@link SqlJob}).
 */
public final class JobMain {

    private JobMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("sql")) {
            SqlJob.submit(List.of(args).subList(1, args.length));
            return;
        }
        JobArguments parsed;
        try {
            parsed = JobArguments.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            // The arguments may hold secrets (--set kafka.properties.sasl.jaas.config=...), and this
            // message reaches the JobManager's log and the REST answer of /jars/:id/run.
            throw new IllegalArgumentException(
                    "inferstream-job " + String.join(" ", JobArguments.masked(List.of(args))) + ": " + e.getMessage(),
                    e);
        }
        run(parsed);
    }

    /** Checks the model and configuration, then runs the job in the surrounding environment. */
    static void run(JobArguments arguments) throws Exception {
        PreparedJob prepared = PreparedJob.load(arguments.job, arguments.config, arguments.overrides);
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
        System.out.println(JobStart.decide(prepared.settings, restore, arguments.fromScratch, null)
                .description());
        System.out.println("model: " + model);
        env.execute(prepared.settings.jobName);
    }
}
