package io.inferstream.cli;

import io.inferstream.config.JobArguments;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.flink.JobCheckpoints;
import io.inferstream.flink.JobStart;
import io.inferstream.flink.PreparedJob;
import io.inferstream.local.LocalFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** A standalone Flink session cluster of separate processes on this machine, and job submission to it. */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "A local standalone Flink session cluster (separate JobManager and TaskManager processes).",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Submit.class, ClusterCommand.Down.class})
public final class ClusterCommand implements Runnable {
    static final Path DEFAULT_DIR = Path.of("target/cluster");
    static final Path JOB_JAR = Path.of("target/inferstream-0.1.0-SNAPSHOT-job.jar");

    @Override
    public void run() {
        System.out.println("use: inferstream cluster up|submit|down (--help on each)");
    }

    /** Starts the JobManager and TaskManagers, prints the web UI address, and returns. */
    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Start a JobManager and TaskManagers; they keep running until `cluster down`.")
    static final class Up implements Callable<Integer> {
        @Option(
                names = "--taskmanagers",
                defaultValue = "1",
                description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(
                names = "--slots",
                defaultValue = "2",
                description = "Slots per TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Option(
                names = "--dir",
                description = "Configuration, logs, checkpoints and savepoints (default: target/cluster).")
        Path dir = DEFAULT_DIR;

        @Override
        public Integer call() throws Exception {
            if (Files.isRegularFile(dir.resolve("cluster.properties"))) {
                LocalFlinkCluster running = LocalFlinkCluster.attach(dir);
                if (!running.livePids().isEmpty()) {
                    throw new IllegalArgumentException("a cluster already runs from " + dir + " (pids "
                            + running.livePids() + "); expected `cluster down` first");
                }
            }
            LocalFlinkCluster cluster = LocalFlinkCluster.start(dir, Path.of("").toAbsolutePath(), taskManagers, slots);
            List<Integer> metricsPorts = cluster.metricsPorts();
            System.out.println("Flink cluster up: web UI " + cluster.restUrl() + ", pids " + cluster.livePids()
                    + ", checkpoints " + cluster.checkpointsDir() + ", savepoints " + cluster.savepointsDir()
                    + ", logs " + cluster.directory().resolve("logs")
                    + ". Stop it with `bin/inferstream cluster down`.");
            System.out.println("Prometheus metrics: http://127.0.0.1:PORT/metrics, one port a process, the first free"
                    + " ones of " + metricsPorts.get(0) + "-" + metricsPorts.get(metricsPorts.size() - 1) + ".");
            return 0;
        }
    }

    /** Uploads the job jar and runs a job on the cluster with the job's flags as program arguments. */
    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description =
                    "Submit a job (image-classifier or tick-forecaster) with its flags, as `run` takes them, to the local cluster.")
    static final class Submit implements Callable<Integer> {
        @Parameters(index = "0", description = "The job: image-classifier or tick-forecaster.")
        String job;

        @Unmatched
        List<String> jobArgs = new ArrayList<>();

        @Option(
                names = "--from-savepoint",
                description = "Start from this savepoint or retained checkpoint (default: the job's latest, if any).")
        String savepoint;

        @Option(
                names = "--jar",
                description =
                        "The job jar (default: target/inferstream-0.1.0-SNAPSHOT-job.jar, built first when missing or"
                                + " older than the sources).")
        Path jar = JOB_JAR;

        @Option(names = "--dir", description = "The cluster's directory (default: target/cluster).")
        Path dir = DEFAULT_DIR;

        @Override
        public Integer call() throws Exception {
            LocalFlinkCluster cluster = LocalFlinkCluster.attach(dir);
            List<String> args = new ArrayList<>();
            args.add(job);
            args.addAll(jobArgs);
            // The job jar's own parser: what it refuses, this refuses before anything is uploaded.
            JobArguments parsed = JobArguments.parse(args);
            PreparedJob prepared = PreparedJob.load(parsed.job, parsed.config, parsed.overrides);
            if (prepared.settings.checkpointDir == null) {
                // The job's checkpoints under the cluster's, in one folder per job name, where the
                // next submit of the same job finds them.
                args.addAll(List.of("--checkpoint-dir", cluster.checkpointsDir().toString()));
                parsed = JobArguments.parse(args);
                prepared = PreparedJob.load(parsed.job, parsed.config, parsed.overrides);
            }
            StreamJobSettings s = prepared.settings;
            List<String> running = cluster.rest().activeJobsNamed(s.jobName);
            if (!running.isEmpty()) {
                throw new IllegalArgumentException("job " + s.jobName + " already runs on the cluster at "
                        + cluster.restUrl() + " (job " + String.join(", ", running)
                        + "); expected one instance: stop it first (with a savepoint, which the next submit"
                        + " resumes from)");
            }
            JobStart start = JobStart.decide(s, savepoint, parsed.fromScratch, JobCheckpoints.jobDir(s));
            // After every refusal above, so a bad flag never waits for a build.
            jobJar(jar);
            System.out.println(start.description());
            String jarId = cluster.rest().uploadJar(jar);
            String jobId = cluster.rest().run(jarId, args, null, start.restorePath());
            System.out.println(
                    "submitted " + job + ": job " + jobId + " (" + cluster.restUrl() + "/#/job/running/" + jobId + ")");
            return 0;
        }
    }

    /**
     * The job jar to upload: the project's own, built from the sources here when stale (as the
     * launcher builds the classes), or one given with --jar, which must exist.
     */
    static Path jobJar(Path jar) throws Exception {
        if (jar.equals(JOB_JAR)) {
            JobJarBuild.buildIfStale(Path.of("").toAbsolutePath(), jar, System.err);
        } else if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("job jar '" + jar + "' does not exist; expected a job jar"
                    + " built by `./mvnw -DskipTests package`, or no --jar for the project's own");
        }
        return jar;
    }

    /** Stops every process `cluster up` started. */
    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every process of the local cluster.")
    static final class Down implements Callable<Integer> {
        @Option(names = "--dir", description = "The cluster's directory (default: target/cluster).")
        Path dir = DEFAULT_DIR;

        @Override
        public Integer call() throws Exception {
            LocalFlinkCluster cluster = LocalFlinkCluster.attach(dir);
            List<Long> pids = cluster.livePids();
            cluster.close();
            System.out.println("stopped " + pids.size() + " processes " + pids);
            return 0;
        }
    }
}
