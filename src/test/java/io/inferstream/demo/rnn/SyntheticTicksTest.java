package io.inferstream.demo.rnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticTicksTest {

    private static final int KEYS = 20;
    private static final int STEPS = 300;

    @Test
    void shouldGiveTheSameValuesWhateverTheOrderAsked() {
        double[][] inOrder = new double[KEYS][STEPS];
        SyntheticTicks forward = new SyntheticTicks(7);
        for (int key = 0; key < KEYS; key++) {
            for (int step = 0; step < STEPS; step++) {
                inOrder[key][step] = forward.value(key, step);
            }
        }
        List<long[]> cells = new ArrayList<>();
        for (int key = 0; key < KEYS; key++) {
            for (int step = 0; step < STEPS; step++) {
                cells.add(new long[] {key, step});
            }
        }
        Collections.shuffle(cells, new Random(1));
        SyntheticTicks shuffled = new SyntheticTicks(7);
        for (long[] cell : cells) {
            assertThat(shuffled.value((int) cell[0], cell[1]))
                    .as("key %d step %d", cell[0], cell[1])
                    .isEqualTo(inOrder[(int) cell[0]][(int) cell[1]]);
        }
    }

    @Test
    void shouldComputeFarStepsAndHighKeysDirectly() {
        SyntheticTicks ticks = new SyntheticTicks(7);
        double value = ticks.value(999_999, 5_000_000_000L);

        assertThat(new SyntheticTicks(7).value(999_999, 5_000_000_000L)).isEqualTo(value);
        assertThat(value).isBetween(10.0, 40.0);
    }

    @Test
    void shouldGiveEachKeyAndSeedItsOwnSeries() {
        SyntheticTicks ticks = new SyntheticTicks(7);
        Set<Long> firstValues = new HashSet<>();
        for (int key = 0; key < 1000; key++) {
            firstValues.add(Double.doubleToLongBits(ticks.value(key, 0)));
        }
        assertThat(firstValues).hasSize(1000);
        assertThat(series(new SyntheticTicks(7), 3)).isNotEqualTo(series(new SyntheticTicks(8), 3));
        assertThat(series(ticks, 3)).isNotEqualTo(series(ticks, 4));
    }

    @Test
    void shouldStayFiniteBetweenTenAndForty() {
        SyntheticTicks ticks = new SyntheticTicks(42);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int key = 0; key < 2000; key++) {
            for (int step = 0; step < 500; step++) {
                double value = ticks.value(key, step);
                assertThat(Double.isFinite(value)).isTrue();
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }
        assertThat(min).isGreaterThanOrEqualTo(10.0);
        assertThat(max).isLessThanOrEqualTo(40.0);
        assertThat(max - min).as("spread over 2000 keys").isGreaterThan(20.0);
    }

    @Test
    void shouldKeepPeriodsBetweenTwelveAndOneHundredTwentySteps() {
        SyntheticTicks ticks = new SyntheticTicks(42);
        for (int key = 0; key < 1000; key++) {
            assertThat(ticks.period(key, 2)).isBetween(12.0, 120.0);
            assertThat(ticks.period(key, 3)).isBetween(12.0, 120.0);
        }
    }

    @Test
    void shouldSpaceTimestampsOneSecondApartFromAFixedStart() {
        SyntheticTicks ticks = new SyntheticTicks(1);

        assertThat(ticks.timestamp(0)).isEqualTo(SyntheticTicks.START_EPOCH_MS);
        assertThat(ticks.timestamp(42)).isEqualTo(SyntheticTicks.START_EPOCH_MS + 42_000);
    }

    @Test
    void shouldMapKeysAndIndicesOneToOne() {
        assertThat(SyntheticTicks.key(42)).isEqualTo("sensor-00042");
        assertThat(SyntheticTicks.key(0)).isEqualTo("sensor-00000");
        assertThat(SyntheticTicks.key(999_999)).isEqualTo("sensor-999999");
        for (int index : new int[] {0, 7, 42, 99_999, 100_000, 999_999, Integer.MAX_VALUE}) {
            assertThat(SyntheticTicks.indexOfKey(SyntheticTicks.key(index))).isEqualTo(index);
        }
    }

    @Test
    void shouldAnswerMinusOneForStringsThatAreNotKeys() {
        for (String notKey : new String[] {
            "AAPL", "sensor-", "sensor-42", "sensor-000042", "sensor-0004x", "Sensor-00042", "sensor-99999999999", ""
        }) {
            assertThat(SyntheticTicks.indexOfKey(notKey)).as(notKey).isEqualTo(-1);
        }
        assertThat(SyntheticTicks.indexOfKey(null)).isEqualTo(-1);
    }

    @Test
    void shouldRejectNegativeKeysAndSteps() {
        SyntheticTicks ticks = new SyntheticTicks(1);

        assertThatThrownBy(() -> ticks.value(-1, 0)).hasMessageContaining("key index -1");
        assertThatThrownBy(() -> ticks.value(0, -5)).hasMessageContaining("step -5");
        assertThatThrownBy(() -> SyntheticTicks.key(-3)).hasMessageContaining("key index -3");
    }

    private static List<Double> series(SyntheticTicks ticks, int key) {
        List<Double> values = new ArrayList<>();
        for (int step = 0; step < 50; step++) {
            values.add(ticks.value(key, step));
        }
        return values;
    }
}
