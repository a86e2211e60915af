package io.inferstream.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which scenarios {@code bench ticks} runs and their sizes, checked before anything starts. The
 * default is the job table and the checkpoint run; the others (the input limit, the stages, the Kafka Streams
 * peer, scaling, a million keys on RocksDB, latency) are chosen by name, or all at once.
 *
 * @param names the scenarios to run
 * @param stateKeys keys of the RocksDB run of scenario state (a million by default)
 * @param stateSteps ticks per key of that run
 * @param heapKeys keys of the heap run of scenario state; its steps make the same tick count
 * @param latencyRates ticks per second of the latency runs
 * @param latencySeconds length of each latency run
 * @param parallelisms of scenario scaling
 */
public record TickScenarios(
        Set<String> names,
        int stateKeys,
        int stateSteps,
        int heapKeys,
        List<Integer> latencyRates,
        int latencySeconds,
        List<Integer> parallelisms) {
    /** The job table at each hidden size: (a) job, (b) pass-through, (c) ONNX alone, (d) batch 1. */
    public static final String JOB = "job";
    /** A RocksDB checkpoint of --checkpoint-keys keys. */
    public static final String CHECKPOINT = "checkpoint";
    /** A bare Kafka consumer parsing the backlog, against the job. */
    public static final String INPUT_LIMIT = "input-limit";
    /** The job cut after each stage of its pipeline: where the wall-clock time goes. */
    public static final String STAGES = "stages";
    /** The same forecasting as a Kafka Streams application, against the job. */
    public static final String PEER = "peer";
    /** The job at each parallelism. */
    public static final String SCALING = "scaling";
    /** Many keys on RocksDB against few keys on the heap, same tick count. */
    public static final String STATE = "state";
    /** Event time to visible at steady rates. */
    public static final String LATENCY = "latency";

    /** Every scenario, in the order they run. */
    public static final List<String> ALL = List.of(JOB, INPUT_LIMIT, STAGES, PEER, SCALING, CHECKPOINT, STATE, LATENCY);

    /** What {@code bench ticks} ran before scenarios could be chosen. */
    public static final TickScenarios DEFAULT = new TickScenarios(
            Set.of(JOB, CHECKPOINT), 1_000_000, 20, 10_000, List.of(10_000, 100_000), 20, List.of(1, 2));

    public TickScenarios {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : names) {
            if (name.equals("all")) {
                chosen.addAll(ALL);
            } else if (ALL.contains(name)) {
                chosen.add(name);
            } else {
                throw new IllegalArgumentException(
                        "--scenarios " + name + ": expected all or any of " + String.join(",", ALL));
            }
        }
        names = Set.copyOf(chosen);
        if (stateKeys < 1 || stateSteps < 1 || heapKeys < 1 || (long) stateKeys * stateSteps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--state-keys " + stateKeys + " --state-steps " + stateSteps
                    + " --heap-keys " + heapKeys + ": expected each at least 1 and at most "
                    + Integer.MAX_VALUE + " ticks");
        }
        if ((long) stateKeys * stateSteps % heapKeys != 0) {
            throw new IllegalArgumentException("--heap-keys " + heapKeys + ": expected a divisor of --state-keys x"
                    + " --state-steps (" + (long) stateKeys * stateSteps + "), so both runs read the same tick count");
        }
        if (latencyRates.isEmpty() || latencyRates.stream().anyMatch(r -> r < 1) || latencySeconds < 1) {
            throw new IllegalArgumentException("--latency-rates " + latencyRates + " --latency-seconds "
                    + latencySeconds + ": expected rates and seconds of at least 1");
        }
        if (parallelisms.isEmpty() || parallelisms.stream().anyMatch(p -> p < 1 || p > 64)) {
            throw new IllegalArgumentException("--parallelism " + parallelisms + ": expected each between 1 and 64");
        }
        latencyRates = List.copyOf(latencyRates);
        parallelisms = List.copyOf(parallelisms);
    }

    /** Whether scenario {@code name} was chosen. */
    public boolean has(String name) {
        return names.contains(name);
    }

    boolean needsBacklog() {
        return has(JOB) || has(INPUT_LIMIT) || has(STAGES) || has(PEER) || has(SCALING);
    }

    /** The scenarios that read the shared backlog, after the job table. */
    void runOnBacklog(TickBenchmark bench, String backlog, String model) throws Exception {
        if (has(INPUT_LIMIT)) {
            new InputLimitRun(bench).run(backlog, model);
        }
        if (has(STAGES)) {
            new TickStageRun(bench).run(backlog, model);
        }
        if (has(PEER)) {
            new StreamsPeerRun(bench).run(backlog, model);
        }
        if (has(SCALING)) {
            scaling(bench, backlog, model);
        }
    }

    /** The scenarios that write their own input. */
    void runOwnInputs(TickBenchmark bench, String model) throws Exception {
        if (has(STATE)) {
            new TickStateRun(bench).run(model, stateKeys, stateSteps, heapKeys);
        }
        if (has(LATENCY)) {
            new TickLatencyRun(bench).run(model, latencyRates, latencySeconds);
        }
    }

    private void scaling(TickBenchmark bench, String backlog, String model) throws Exception {
        var out = bench.out();
        out.printf("%nScaling: the job as built at parallelism %s over the same backlog%n", parallelisms);
        BenchRuns.scalingTable(
                out,
                parallelisms,
                "ticks/s",
                p -> bench.jobThroughput(
                        "job, parallelism " + p + ":",
                        backlog,
                        model,
                        TickBenchmark.BATCH,
                        true,
                        Map.of("parallelism", Integer.toString(p)),
                        bench.backlogTicks()));
    }
}
