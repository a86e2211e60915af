package io.inferstream.cli;

import io.inferstream.config.StreamJobSettings;
import io.inferstream.flink.JobCheckpoints;
import io.inferstream.flink.JobEnvironments;
import io.inferstream.flink.JobStart;
import io.inferstream.flink.PreparedJob;
import io.inferstream.local.InstanceLock;
import io.inferstream.local.LocalPorts;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs a job on a local Flink runtime (with the web UI) against any Kafka cluster. A restart with
 * the same command resumes from the job's latest checkpoint or savepoint; Ctrl-C stops the job
 * with a savepoint; one instance per job and checkpoint folder runs at a time.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run a job on a local Flink runtime against a Kafka cluster, until Ctrl-C (which stops it with a savepoint).",
            "A restart with the same command resumes from the job's latest checkpoint or savepoint."
        })
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
        PreparedJob prepared = prepareWithCheckpointDir();
        StreamJobSettings s = prepared.settings;
        Path jobDir = JobCheckpoints.jobDir(s);
        try (InstanceLock lock = InstanceLock.acquire(
                jobDir.resolve("run.lock"), "job " + s.jobName + " (checkpoints in " + jobDir + ")")) {
            int port = webUiPort == 0 ? LocalPorts.free() : webUiPort;
            StreamExecutionEnvironment env = JobEnvironments.localWithWebUi(prepared.flinkConfiguration, port);
            // The model is checked first: a misfit stops start-up before any Kafka is contacted.
            String model = prepared.wire(env);
            prepared.createTopicsIfAsked();
            String given = prepared.flinkConfiguration
                    .getOptional(StateRecoveryOptions.SAVEPOINT_PATH)
                    .orElse(null);
            JobStart start = JobStart.decide(s, given, options.fromScratch, jobDir);
            if (start.restorePath() != null && given == null) {
                Configuration restore = new Configuration();
                restore.set(StateRecoveryOptions.SAVEPOINT_PATH, start.restorePath());
                // The job takes the snapshot over and removes it once newer ones exist: the folder
                // keeps the latest few, not one per restart.
                restore.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
                env.configure(restore);
            }
            System.out.println("model: " + model);
            System.out.println(start.description());
            JobClient job = env.executeAsync(s.jobName);
            System.out.println("job " + s.jobName + ": " + s.inputTopic + " -> " + s.outputTopic + " (dead letters: "
                    + s.deadLetterTopic + "), " + s.delivery + ", Flink web UI at http://127.0.0.1:" + port
                    + ", checkpoints in " + jobDir + " (pid "
                    + ProcessHandle.current().pid() + ")");
            try (StopOnSignal stop = StopOnSignal.install(job, JobCheckpoints.savepointsDir(jobDir))) {
                try {
                    job.getJobExecutionResult().get();
                } catch (ExecutionException e) {
                    if (!stop.requested()) {
                        throw e;
                    }
                }
                return stop.exitCode();
            }
        }
    }

    /**
     * The job with its checkpoint.dir; a job configured without one keeps its checkpoints under
     * target/run/checkpoints, so that a restart with the same command finds them.
     */
    private PreparedJob prepareWithCheckpointDir() {
        PreparedJob prepared = options.prepare();
        if (prepared.settings.checkpointDir != null) {
            return prepared;
        }
        options.checkpointDir = RunDirs.base().resolve("checkpoints").toString();
        return options.prepare();
    }
}
