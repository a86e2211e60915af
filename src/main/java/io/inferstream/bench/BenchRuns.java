package io.inferstream.bench;

import io.inferstream.config.OnnxSettings;
import io.inferstream.inference.OnnxOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What the job benchmarks share: the settings of a benchmark job, a job that runs only while its
 * outputs are awaited, the alternation of contenders on a noisy machine, and the scaling table.
 */
final class BenchRuns {

    /** One measured run, in outputs per second. */
    interface Throughput {
        double run() throws Exception;
    }

    /** One measured run of the job at a parallelism, in outputs per second. */
    interface AtParallelism {
        double run(int parallelism) throws Exception;
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

    /** A contender's two runs, in outputs per second, in the order they ran. */
    record TwoRuns(double first, double second) {
        /** The better run; NaN where a run measured nothing, as {@link Math#max} has it. */
        double best() {
            return Math.max(first, second);
        }
    }

    private BenchRuns() {}

    /**
     * Runs the ceiling, the job, the ceiling and the job again, and keeps each one's better run:
     * run-to-run noise on a small shared machine is larger than the differences being measured.
     */
    static Best alternate(Throughput job, Throughput ceiling) throws Exception {
        List<TwoRuns> runs = inTurnTwice(List.of(ceiling, job));
        return new Best(runs.get(1).best(), runs.get(0).best());
    }

    /**
     * Runs every contender in the order given, then all of them again: alternating spreads the
     * machine's slow spells over all contenders instead of one. Each contender's two runs, in
     * the order given.
     */
    static List<TwoRuns> inTurnTwice(List<Throughput> contenders) throws Exception {
        double[] first = new double[contenders.size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = contenders.get(i).run();
        }
        List<TwoRuns> runs = new ArrayList<>();
        for (int i = 0; i < first.length; i++) {
            runs.add(new TwoRuns(first[i], contenders.get(i).run()));
        }
        return runs;
    }

    /**
     * Scaling: the job at each parallelism, in turn, twice, then a Markdown table of both runs
     * and each best against the best at the first parallelism; {@code unit} heads the run columns.
     */
    static void scalingTable(PrintStream out, List<Integer> parallelisms, String unit, AtParallelism job)
            throws Exception {
        List<Throughput> contenders = new ArrayList<>();
        for (int p : parallelisms) {
            contenders.add(() -> job.run(p));
        }
        List<TwoRuns> runs = inTurnTwice(contenders);
        out.println();
        out.println("| parallelism | run 1 " + unit + " | run 2 " + unit + " | best / best at the first parallelism |");
        out.println("|---:|---:|---:|---:|");
        double base = runs.get(0).best();
        for (int i = 0; i < parallelisms.size(); i++) {
            TwoRuns r = runs.get(i);
            out.printf("| %d | %.0f | %.0f | %.2fx |%n", parallelisms.get(i), r.first(), r.second(), r.best() / base);
        }
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
