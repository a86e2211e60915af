package io.inferstream.cli;

import io.inferstream.flink.JobEnvironments;
import io.inferstream.local.LocalPorts;
import io.inferstream.sql.SqlRunner;
import io.inferstream.sql.SqlScript;
import java.nio.file.Path;
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
 * (with the web UI) until its jobs end or Ctrl-C. In the job jar, {@code sql -f FILE.sql} as
 * program arguments submits the script's job to the cluster it runs on ({@code sql.SqlJob}).
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

    @Override
    public Integer call() throws Exception {
        List<String> statements = SqlScript.read(file, defines);
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
}
