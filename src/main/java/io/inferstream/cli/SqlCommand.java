package io.inferstream.cli;

import io.inferstream.flink.JobEnvironments;
import io.inferstream.local.LocalFlinkCluster;
import io.inferstream.local.LocalPorts;
import io.inferstream.sql.SqlRunner;
import io.inferstream.sql.SqlScript;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs a Flink SQL script: {@code bin/inferstream sql -f FILE.sql} on a local Flink runtime
 * (with the web UI) until its jobs end or Ctrl-C; with {@code --cluster}, on the local cluster of
 * {@code cluster up} instead, where the job jar's {@code sql -f FILE.sql} ({@code sql.SqlJob})
 * submits the script's jobs and this command returns.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = "Run a Flink SQL script (CREATE TABLE, CREATE MODEL, INSERT ... ML_PREDICT) on a local"
                + " Flink runtime, until its jobs end or Ctrl-C.")
public final class SqlCommand implements Callable<Integer> {

    @Option(
            names = {"-f", "--file"},
            required = true,
            description = "The SQL script: statements ended by ';', as Flink's SQL client reads them.")
    Path file;

    @Option(
            names = {"-D", "--define"},
            description = "A value for ${NAME} in the script, e.g. -D bootstrap=127.0.0.1:9092 (repeatable).")
    Map<String, String> defines = new LinkedHashMap<>();

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description = "Port of the Flink web UI of the local runtime (default: ${DEFAULT-VALUE}; 0 picks a free"
                    + " one).")
    int webUiPort;

    @Option(
            names = "--cluster",
            arity = "0..1",
            fallbackValue = "target/cluster",
            description = "Submit the script to the local cluster of `cluster up` (its directory, default"
                    + " target/cluster) instead of running it here; returns once its jobs are submitted.")
    Path cluster;

    @Option(
            names = "--jar",
            description = "With --cluster: the job jar (default: target/inferstream-0.1.0-SNAPSHOT-job.jar,"
                    + " built first when missing or older than the sources).")
    Path jar = ClusterCommand.JOB_JAR;

    @Override
    public Integer call() throws Exception {
        // Read here first: a bad script or a missing ${NAME} fails before anything is started or uploaded.
        List<String> statements = SqlScript.read(file, defines);
        if (cluster != null) {
            return submit();
        }
        int port = webUiPort == 0 ? LocalPorts.free() : webUiPort;
        StreamExecutionEnvironment env = JobEnvironments.localWithWebUi(new Configuration(), port);
        System.out.println("Flink web UI at http://127.0.0.1:" + port);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        List<TableResult> jobs = SqlRunner.run(tables, statements, System.out);
        for (TableResult job : jobs) {
            job.await();
        }
        return 0;
    }

    /**
     * Uploads the job jar and runs its {@code sql -f FILE} on the cluster's JobManager, which
     * plans the script and submits its jobs. The JobManager reads the script and the TaskManagers
     * the models, so both go by absolute path: the cluster's processes run in this directory here,
     * and need the same files at the same paths elsewhere.
     */
    private int submit() throws Exception {
        LocalFlinkCluster local = LocalFlinkCluster.attach(cluster);
        Path jobJar = ClusterCommand.jobJar(jar);
        List<String> args =
                new ArrayList<>(List.of("sql", "-f", file.toAbsolutePath().toString()));
        defines.forEach((name, value) -> args.addAll(List.of("-D", name + "=" + value)));
        String jarId = local.rest().uploadJar(jobJar);
        String jobId = local.rest().run(jarId, args, null, null);
        System.out.println(
                "submitted " + file + ": job " + jobId + " (" + local.restUrl() + "/#/job/running/" + jobId + ")");
        return 0;
    }
}
