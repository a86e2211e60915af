package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.records.PendingTick;
import io.inferstream.records.PendingTicks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The RNN operator's ordering buffer alone: order per key, duplicates, release, checkpoint form. */
class OrderingBufferTest {

    private static PendingTick tick(long ts) {
        return new PendingTick("id-" + ts, new double[] {ts});
    }

    /** What a watermark releases: each key's timestamps, keys in release order. */
    private static Map<String, List<Long>> release(OrderingBuffer buffer, long watermark) throws Exception {
        Map<String, List<Long>> released = new LinkedHashMap<>();
        buffer.release(watermark, (key, timestamps, ticks) -> {
            assertThat(released).doesNotContainKey(key);
            for (int i = 0; i < ticks.size(); i++) {
                assertThat(ticks.get(i).id).isEqualTo("id-" + timestamps.get(i));
            }
            released.put(key, timestamps);
        });
        return released;
    }

    @Test
    void shouldReleaseEachKeysTicksInEventTimeOrderWhateverTheArrivalOrder() throws Exception {
        OrderingBuffer buffer = new OrderingBuffer();
        List<Long> arrival = new ArrayList<>();
        for (long ts = 1; ts <= 500; ts++) {
            arrival.add(ts);
        }
        Collections.shuffle(arrival, new Random(7));
        for (long ts : arrival) {
            assertThat(buffer.add("a", ts, tick(ts))).isTrue();
            assertThat(buffer.add("b", 1000 - ts, tick(1000 - ts))).isTrue();
        }
        assertThat(buffer.size()).isEqualTo(1000);

        Map<String, List<Long>> first = release(buffer, 250);
        assertThat(first.get("a")).hasSize(250).isSorted().startsWith(1L).endsWith(250L);
        assertThat(first).doesNotContainKey("b");

        Map<String, List<Long>> rest = release(buffer, Long.MAX_VALUE);
        assertThat(rest.get("a")).hasSize(250).isSorted().startsWith(251L).endsWith(500L);
        assertThat(rest.get("b")).hasSize(500).isSorted().startsWith(500L).endsWith(999L);
        assertThat(buffer.size()).isZero();
        assertThat(buffer.keys()).isEmpty();
    }

    @Test
    void shouldRefuseASecondTickAtTheSameTimeOfTheSameKeyOnly() throws Exception {
        OrderingBuffer buffer = new OrderingBuffer();
        assertThat(buffer.add("a", 10, tick(10))).isTrue();
        assertThat(buffer.add("a", 20, tick(20))).isTrue();
        assertThat(buffer.add("a", 5, tick(5))).isTrue();

        assertThat(buffer.add("a", 10, tick(10))).isFalse(); // in the middle
        assertThat(buffer.add("a", 20, tick(20))).isFalse(); // the last
        assertThat(buffer.add("a", 5, tick(5))).isFalse(); // the first
        assertThat(buffer.add("b", 10, tick(10))).isTrue();

        assertThat(release(buffer, 100))
                .containsEntry("a", List.of(5L, 10L, 20L))
                .containsEntry("b", List.of(10L));
        // Released: the same time is no duplicate of anything pending (lateness is the operator's check).
        assertThat(buffer.add("a", 10, tick(10))).isTrue();
    }

    @Test
    void shouldReleaseAKeyQueuedTwiceOnceAndKeepItsLaterTicks() throws Exception {
        OrderingBuffer buffer = new OrderingBuffer();
        buffer.add("a", 30, tick(30));
        buffer.add("a", 10, tick(10)); // earlier: queues the key again at 10
        buffer.add("a", 50, tick(50));

        assertThat(release(buffer, 20)).containsExactly(Map.entry("a", List.of(10L)));
        assertThat(release(buffer, 40)).containsExactly(Map.entry("a", List.of(30L)));
        assertThat(release(buffer, 45)).isEmpty();
        assertThat(release(buffer, 50)).containsExactly(Map.entry("a", List.of(50L)));
        assertThat(buffer.keys()).isEmpty();
    }

    @Test
    void shouldReleaseKeysInTheOrderOfTheirEarliestTick() throws Exception {
        OrderingBuffer buffer = new OrderingBuffer();
        buffer.add("late", 3, tick(3));
        buffer.add("early", 1, tick(1));
        buffer.add("middle", 2, tick(2));

        assertThat(release(buffer, 3).keySet()).containsExactly("early", "middle", "late");
    }

    @Test
    void shouldCopyForCheckpointsAndMarkOnlyChangedKeys() throws Exception {
        OrderingBuffer buffer = new OrderingBuffer();
        buffer.add("a", 20, tick(20));
        buffer.add("a", 10, tick(10));
        OrderingBuffer.KeyTicks a = buffer.keys().iterator().next();
        assertThat(a.dirty).isTrue();

        PendingTicks state = a.toState();
        assertThat(state.timestamps).containsExactly(10, 20);
        assertThat(state.ids).containsExactly("id-10", "id-20");
        assertThat(state.values[1]).containsExactly(20.0);
        a.dirty = false;
        buffer.add("a", 30, tick(30));
        // The copy a checkpoint writes does not change with the buffer.
        assertThat(state.timestamps).containsExactly(10, 20);
        assertThat(a.dirty).isTrue();

        OrderingBuffer restored = new OrderingBuffer();
        restored.restore("a", a.toState());
        OrderingBuffer.KeyTicks back = restored.keys().iterator().next();
        assertThat(back.dirty).isFalse();
        assertThat(back.toState().timestamps).containsExactly(10, 20, 30);
        assertThat(restored.add("a", 20, tick(20))).isFalse();
        assertThat(release(restored, 25)).containsExactly(Map.entry("a", List.of(10L, 20L)));
        assertThat(back.dirty).isTrue();
    }
}
