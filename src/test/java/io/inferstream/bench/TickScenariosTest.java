package io.inferstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TickScenariosTest {

    private static TickScenarios of(Set<String> names, int stateKeys, int stateSteps, int heapKeys) {
        return new TickScenarios(names, stateKeys, stateSteps, heapKeys, List.of(10_000), 10, List.of(1, 2));
    }

    @Test
    void shouldKeepTheJobTableAndCheckpointRunAsTheDefault() {
        assertThat(TickScenarios.DEFAULT.names()).containsExactlyInAnyOrder("job", "checkpoint");
        assertThat(TickScenarios.DEFAULT.stateKeys() * (long) TickScenarios.DEFAULT.stateSteps())
                .isEqualTo(20_000_000L);
    }

    @Test
    void shouldExpandAllToEveryScenario() {
        assertThat(of(Set.of("all"), 100, 2, 10).names()).containsExactlyInAnyOrderElementsOf(TickScenarios.ALL);
    }

    @Test
    void shouldRefuseAnUnknownScenarioNamingTheKnownOnes() {
        assertThatThrownBy(() -> of(Set.of("peers"), 100, 2, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--scenarios peers")
                .hasMessageContaining("input-limit");
    }

    @Test
    void shouldRefuseHeapKeysThatDoNotMakeTheSameTickCount() {
        assertThatThrownBy(() -> of(Set.of("state"), 1_000, 3, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--heap-keys 7")
                .hasMessageContaining("3000");
    }

    @Test
    void shouldRefuseAParallelismOutOfRange() {
        assertThatThrownBy(() -> new TickScenarios(Set.of("scaling"), 10, 1, 10, List.of(1), 1, List.of(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--parallelism [0]");
    }
}
