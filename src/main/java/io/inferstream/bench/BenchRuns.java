package io.inferstream.bench;

import io.inferstream.config.OnnxSettings;
import io.inferstream.inference.OnnxOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What the job benchmarks share: the settings of a benchmark job, a job that runs only while its
 * outputs are awaited, and the alternation of a job with its ceiling on a noisy machine.
 */
final class BenchRuns {

    /** One measured run, in outputs per second. */
    interface Throughput {
        double run() throws Exception;
    }

    /** Work done while a job runs. */
    interface WhileRunning<T> {
        T apply(JobClient job) throws Exception;
    }

    /** A job's better run and its ceiling's better run. */
    record Best(double job, double ceiling) {
        double percentOfCeiling() {
            return 100 * job / ceiling;
        }
    }

    private BenchRuns() {}

    /**
     * Runs the ceiling, the job, the ceiling and the job again, and keeps each one's better run:
     * run-to-run noise on a small shared machine is larger than the differences being measured.
     */
    static Best alternate(Throughput job, Throughput ceiling) throws Exception {
        double ceilingBest = ceiling.run();
        double jobBest = job.run();
        ceilingBest = Math.max(ceilingBest, ceiling.run());
        jobBest = Math.max(jobBest, job.run());
        return new Best(jobBest, ceilingBest);
    }

    /** Starts the job wired into {@code env}, does {@code body}, and cancels the job whatever happens. */
    static <T> T whileRunning(StreamExecutionEnvironment env, String jobName, WhileRunning<T> body) throws Exception {
        JobClient job = env.executeAsync(jobName);
        try {
            return body.apply(job);
        } finally {
            job.cancel().get();
        }
    }

    /** A benchmark job's output topic and its dead-letter topic, as {@link #jobSettings} names them. */
    static List<String> outputTopics(String output) {
        return List.of(output, output + ".dlq");
    }

    /**
     * The settings every benchmark job has: broker, a job name and group of its own, topics, model,
     * batch and execution provider.
     */
    static Map<String, Object> jobSettings(
            String bootstrap, String input, String output, String modelPath, int batch, OnnxOptions onnx) {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", bootstrap);
        values.put("kafka.group-id", "bench-" + output);
        values.put("job.name", "bench-" + output);
        values.put("topics.input", input);
        values.put("topics.output", output);
        values.put("topics.dlq", output + ".dlq");
        values.put("model.path", modelPath);
        values.put("batch.max-size", Integer.toString(batch));
        values.put(OnnxSettings.PROVIDER, onnx.provider().configName());
        values.put(OnnxSettings.DEVICE_ID, Integer.toString(onnx.deviceId()));
        return values;
    }
}
