package io.inferstream.bench;

import io.inferstream.inference.OnnxOptions;
import io.inferstream.kafka.Topics;
import io.inferstream.sql.SqlRunner;
import io.inferstream.sql.SqlScript;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * bench sql: the image classifier as ML_PREDICT over the same Kafka backlog as bench images,
 * micro-batched against one ONNX Runtime call per row, against the image job, and against the
 * same SQL job without the model. Throughput is rows per second between the first and last
 * output record's Kafka timestamp (set when the sink sends it).
 */
public final class SqlBenchmark {
    private final String bootstrap;
    private final String modelPath;
    private final int images;
    private final int batchSize;
    private final PrintStream out;
    private final ImageBenchmark imageJob;
    private int run;

    public SqlBenchmark(
            String bootstrap, String modelPath, int images, int batchSize, OnnxOptions onnx, PrintStream out) {
        this.bootstrap = bootstrap;
        this.modelPath = Path.of(modelPath).toAbsolutePath().toString();
        this.images = images;
        this.batchSize = batchSize;
        this.out = out;
        this.imageJob = new ImageBenchmark(bootstrap, modelPath, images, batchSize, onnx, out);
    }

    /**
     * Runs every scenario. The async operator may keep twice the batch in flight, so that the
     * task thread decodes the next batch while the model runs this one. The ML_PREDICT runs go
     * twice, alternately, each keeping its better; a Markdown table comes last.
     */
    public void runAll() throws Exception {
        String backlog = imageJob.produceBacklog("bench-sql-images-");
        out.printf("%d images in '%s'; parallelism 1, ONNX Runtime on the CPU, 1 intra-op thread%n", images, backlog);
        out.println("  warm-up run (not reported):");
        sqlThroughput(backlog, "batched", true);
        double batched = 0;
        double perRow = 0;
        for (int i = 0; i < 2; i++) {
            batched = Math.max(batched, sqlThroughput(backlog, "batched", true));
            perRow = Math.max(perRow, sqlThroughput(backlog, "per-row", true));
        }
        double ceiling = sqlThroughput(backlog, "no-model", false);
        double job = imageJob.jobThroughput(backlog);

        out.println();
        out.println("| scenario | images/s | note |");
        out.println("|---|---:|---|");
        out.printf(
                "| (s1) ML_PREDICT, batched (batch.max-size %d, max-concurrent-operations %d) | %.0f | %.0f%% of (j) |%n",
                batchSize, 2 * batchSize, batched, 100 * batched / job);
        out.printf(
                "| (s2) ML_PREDICT, one call per row ('async' = 'false') | %.0f | %.0f%% of (s1) |%n",
                perRow, 100 * perRow / batched);
        out.printf(
                "| (s0) the same SQL job without the model (no decode, no inference) | %.0f | SQL ceiling |%n",
                ceiling);
        out.printf("| (j) image job as built, batch %d, exactly-once | %.0f | bench images (a) |%n", batchSize, job);
    }

    private double sqlThroughput(String input, String mode, boolean model) throws Exception {
        String output = "bench-sql-out-" + (++run) + "-" + System.currentTimeMillis();
        Topics.ensure(bootstrap, Map.of(output, 2));
        String options = mode.equals("per-row")
                ? "MAP['async', 'false']"
                : "MAP['async', 'true', 'max-concurrent-operations', '" + 2 * batchSize + "']";
        String select = model
                ? "SELECT source, label, score FROM ML_PREDICT(TABLE images, MODEL fashion, DESCRIPTOR(image), "
                        + options + ")"
                : "SELECT source, CAST(CHAR_LENGTH(source) AS STRING), CAST(0.5 AS FLOAT) FROM images";
        String script = "CREATE TABLE images (source STRING, image BYTES) WITH ('connector' = 'kafka',"
                + " 'topic' = '" + input + "', 'properties.bootstrap.servers' = '" + bootstrap + "',"
                + " 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',"
                + " 'key.format' = 'raw', 'key.fields' = 'source', 'value.format' = 'raw',"
                + " 'value.fields-include' = 'EXCEPT_KEY');\n"
                + "CREATE TABLE predictions (source STRING, label STRING, score FLOAT) WITH ('connector' = 'kafka',"
                + " 'topic' = '" + output + "', 'properties.bootstrap.servers' = '" + bootstrap + "',"
                + " 'format' = 'json');\n"
                + "CREATE MODEL fashion INPUT (image BYTES) OUTPUT (label STRING, score FLOAT, error STRING)"
                + " WITH ('provider' = 'onnx', 'model.path' = '" + modelPath + "', 'batch.max-size' = '"
                + batchSize + "');\n"
                + "INSERT INTO predictions " + select + ";\n";
        Configuration conf = new Configuration();
        conf.setString("parallelism.default", "1");
        conf.setString("pipeline.object-reuse", "true");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        List<TableResult> jobs = SqlRunner.run(
                tables,
                SqlScript.statements(script, Map.of()),
                new PrintStream(java.io.OutputStream.nullOutputStream()));
        jobs.get(0).await();
        long[] span = timestamps(output);
        double throughput =
                span[2] < 2 || span[1] == span[0] ? Double.NaN : (span[2] - 1) * 1000.0 / (span[1] - span[0]);
        out.printf("  %-44s %8.0f images/s (%d rows)%n", "SQL " + mode + ":", throughput, span[2]);
        return throughput;
    }

    /** First and last record timestamp of a topic, and its record count. */
    private long[] timestamps(String topic) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "bench-sql-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long count = 0;
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (count < images && System.currentTimeMillis() < deadline) {
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                consumer.poll(Duration.ofMillis(200)).forEach(batch::add);
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    first = Math.min(first, r.timestamp());
                    last = Math.max(last, r.timestamp());
                    count++;
                }
            }
        }
        return new long[] {first, last, count};
    }
}
