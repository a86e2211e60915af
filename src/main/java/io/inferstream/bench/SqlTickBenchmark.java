package io.inferstream.bench;

import io.inferstream.kafka.Topics;
import io.inferstream.sql.RnnForecastFunction;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Measures {@code RNN_FORECAST} against the tick job on the same backlog, side by side in one
 * run: the job as built (one ONNX call for up to 256 keys), the job with batch 1 (one call per
 * tick, as the SQL function makes them), and the SQL function over Kafka tables, exactly-once,
 * with the statements of jobs/tick-forecaster.sql.
 */
public final class SqlTickBenchmark {
    private final TickBenchmark ticks;
    private final TickBenchmark.Settings settings;
    private final Path workDir;
    private final PrintStream out;

    public SqlTickBenchmark(String bootstrap, TickBenchmark.Settings settings, Path workDir, PrintStream out) {
        this.ticks = new TickBenchmark(bootstrap, settings, workDir, out);
        this.settings = settings;
        this.workDir = workDir;
        this.out = out;
    }

    /** Runs every scenario at the first hidden size and prints a Markdown table. */
    public void runAll() throws Exception {
        int hidden = settings.hiddenSizes().get(0);
        int count = settings.keys() * settings.steps();
        String backlog = "bench-sql-ticks-" + System.currentTimeMillis();
        Topics.ensure(ticks.bootstrap(), Map.of(backlog, 2));
        ticks.produce(backlog, count, settings.keys(), settings.keys());
        String model = ticks.model(hidden);
        out.printf(
                "%d JSON ticks (%d keys x %d steps, event-time order) in '%s'; hidden size %d%n",
                count, settings.keys(), settings.steps(), backlog, hidden);
        out.println("  warm-up runs (not reported):");
        ticks.backlogThroughput(backlog, model, TickBenchmark.BATCH, true);
        sqlThroughput(backlog, model);
        double job = 0;
        double sql = 0;
        for (int round = 0; round < 2; round++) {
            job = Math.max(job, ticks.backlogThroughput(backlog, model, TickBenchmark.BATCH, true));
            sql = Math.max(sql, sqlThroughput(backlog, model));
        }
        double batchOne = ticks.backlogThroughput(backlog, model, 1, true);
        out.println();
        out.printf(
                "Ticks/s end to end, %d keys, exactly-once, hashmap state, hidden size %d.%n%n",
                settings.keys(), hidden);
        out.printf(
                "| (a) tick job, batch %d | (b) tick job, batch 1 | (c) SQL RNN_FORECAST | (c)/(a) | (c)/(b) |%n",
                TickBenchmark.BATCH);
        out.println("|---:|---:|---:|---:|---:|");
        out.printf(
                "| %.0f | %.0f | %.0f | %.0f%% | %.0f%% |%n",
                job, batchOne, sql, 100 * sql / job, 100 * sql / batchOne);
    }

    /** The SQL job over the backlog, parallelism 1 like the benchmark's tick jobs: forecasts per second. */
    private double sqlThroughput(String input, String model) throws Exception {
        String output = ticks.nextOutputTopic();
        Configuration conf = new Configuration();
        conf.setString("parallelism.default", "1");
        conf.setString("execution.checkpointing.interval", "1 s");
        conf.setString(
                "execution.checkpointing.dir",
                workDir.resolve("sql-checkpoints").toUri().toString());
        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment(conf));
        for (String statement : statements(input, output, model)) {
            tEnv.executeSql(statement);
        }
        TableResult result = tEnv.executeSql("INSERT INTO tick_predictions SELECT key, id, eventTime, step, inputs,"
                + " outputs, model, modelVersion, predictedAt FROM forecasts WHERE rejectReason IS NULL");
        JobClient job = result.getJobClient().orElseThrow();
        int expected = settings.keys() * settings.steps();
        try {
            OutputWatcher.Outcome outcome =
                    OutputWatcher.await(ticks.bootstrap(), List.of(output), expected, Duration.ofMinutes(5));
            double throughput = OutputWatcher.throughput(outcome.predictions());
            out.printf("  %-44s %8.0f ticks/s (%s)%n", "SQL RNN_FORECAST:", throughput, outcome.describe(expected));
            return throughput;
        } finally {
            job.cancel().get();
        }
    }

    /** The source, view and sink of jobs/tick-forecaster.sql, for this run's topics and model. */
    private List<String> statements(String input, String output, String model) {
        String kafka = "'connector' = 'kafka', 'properties.bootstrap.servers' = '" + ticks.bootstrap() + "', ";
        return List.of(
                "CREATE TEMPORARY SYSTEM FUNCTION " + RnnForecastFunction.NAME + " AS '"
                        + RnnForecastFunction.class.getName() + "'",
                "CREATE TEMPORARY TABLE ticks (record_key STRING, key STRING, ts BIGINT, `values` ARRAY<DOUBLE>,"
                        + " `value` DOUBLE, id STRING, `topic` STRING METADATA VIRTUAL, `partition` INT METADATA"
                        + " VIRTUAL, `offset` BIGINT METADATA VIRTUAL, event_time AS TO_TIMESTAMP_LTZ(ts, 3),"
                        + " WATERMARK FOR event_time AS event_time - INTERVAL '1.001' SECOND) WITH (" + kafka
                        + "'topic' = '" + input + "', 'properties.group.id' = 'bench-" + output + "',"
                        + " 'scan.startup.mode' = 'earliest-offset', 'key.format' = 'raw', 'key.fields' ="
                        + " 'record_key', 'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY',"
                        + " 'value.json.ignore-parse-errors' = 'true')",
                "CREATE TEMPORARY VIEW tick_rows AS SELECT COALESCE(key, record_key) AS key, COALESCE(id,"
                        + " CONCAT(`topic`, '-', CAST(`partition` AS STRING), '-', CAST(`offset` AS STRING))) AS id,"
                        + " COALESCE(`values`, ARRAY[`value`]) AS `values`, event_time FROM ticks",
                "CREATE TEMPORARY VIEW forecasts AS SELECT * FROM RNN_FORECAST(input => TABLE tick_rows PARTITION BY"
                        + " key, on_time => DESCRIPTOR(event_time), model => '" + model + "')",
                "CREATE TEMPORARY TABLE tick_predictions (key STRING, id STRING, eventTime BIGINT, step BIGINT,"
                        + " inputs ARRAY<DOUBLE>, outputs MAP<STRING, DOUBLE>, model STRING, modelVersion STRING,"
                        + " predictedAt BIGINT) WITH (" + kafka + "'topic' = '" + output + "', 'key.format' ="
                        + " 'raw', 'key.fields' = 'key', 'value.format' = 'json', 'sink.delivery-guarantee' ="
                        + " 'exactly-once', 'sink.transactional-id-prefix' = 'bench-" + output + "',"
                        + " 'properties.transaction.timeout.ms' = '900000')");
    }
}
