package io.inferstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the benchmarks alternate their contenders and print the scaling table; no job runs. */
class BenchRunsTest {

    @Test
    void shouldRunEveryContenderInTurnThenAllAgain() throws Exception {
        List<String> order = new ArrayList<>();
        List<BenchRuns.TwoRuns> runs = BenchRuns.inTurnTwice(
                List.of(() -> ran(order, "a", 10), () -> ran(order, "b", 20 + order.size()), () -> ran(order, "c", 5)));

        assertThat(order).containsExactly("a", "b", "c", "a", "b", "c");
        assertThat(runs)
                .containsExactly(
                        new BenchRuns.TwoRuns(10, 10), new BenchRuns.TwoRuns(21, 24), new BenchRuns.TwoRuns(5, 5));
        assertThat(runs.get(1).best()).isEqualTo(24);
    }

    @Test
    void shouldAlternateTheCeilingFirstAndKeepEachOnesBetterRun() throws Exception {
        List<String> order = new ArrayList<>();
        double[] job = {300, 400};
        double[] ceiling = {900, 800};
        BenchRuns.Best best = BenchRuns.alternate(
                () -> ran(order, "job", job[order.size() / 2]), () -> ran(order, "ceiling", ceiling[order.size() / 2]));

        assertThat(order).containsExactly("ceiling", "job", "ceiling", "job");
        assertThat(best.job()).isEqualTo(400);
        assertThat(best.ceiling()).isEqualTo(900);
        assertThat(best.percentOfCeiling()).isCloseTo(44.44, offset(0.01));
    }

    @Test
    void shouldPrintTheScalingTableAgainstTheBestAtTheFirstParallelism() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<Integer> asked = new ArrayList<>();
        double[] measured = {1000, 1700, 1200, 1500};

        BenchRuns.scalingTable(out, List.of(1, 2), "ticks/s", p -> {
            asked.add(p);
            return measured[asked.size() - 1];
        });

        assertThat(asked).containsExactly(1, 2, 1, 2);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo(String.format("%n| parallelism | run 1 ticks/s | run 2 ticks/s | best / best at the first"
                        + " parallelism |%n|---:|---:|---:|---:|%n| 1 | 1000 | 1200 | 1.00x |%n"
                        + "| 2 | 1700 | 1500 | 1.42x |%n"));
    }

    private static double ran(List<String> order, String name, double throughput) {
        order.add(name);
        return throughput;
    }
}
