package io.inferstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    @Test
    void shouldSendFullBatchesWithoutWaitingOutTheTime() throws Exception {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        // A wait of a minute: only full batches can leave before the latch times out.
        try (MicroBatcher<Integer> batcher = new MicroBatcher<>(
                4,
                60_000,
                b -> {
                    batches.add(b);
                    if (batches.size() == 2) {
                        done.countDown();
                    }
                },
                "test-batcher")) {
            for (int i = 0; i < 8; i++) {
                batcher.add(i);
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(batches).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
    }

    @Test
    void shouldSendAPartialBatchOnceItsOldestRowHasWaited() throws Exception {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        try (MicroBatcher<Integer> batcher = new MicroBatcher<>(
                100,
                5,
                b -> {
                    batches.add(b);
                    done.countDown();
                },
                "test-batcher")) {
            batcher.add(1);
            batcher.add(2);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(batches.stream().flatMap(List::stream)).containsExactly(1, 2);
    }

    @Test
    void shouldRunWhatIsQueuedWhenClosed() {
        List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
        MicroBatcher<Integer> batcher = new MicroBatcher<>(100, 60_000, handled::addAll, "test-batcher");
        batcher.add(1);
        batcher.add(2);
        batcher.add(3);
        batcher.close();
        assertThat(handled).containsExactly(1, 2, 3);
    }

    @Test
    void shouldNeverSendMoreThanMaxSizeAtOnce() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MicroBatcher<Integer> batcher = new MicroBatcher<>(
                3,
                0,
                b -> {
                    sizes.add(b.size());
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "test-batcher");
        batcher.add(0);
        assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
        // The worker is busy: ten rows queue up behind it.
        for (int i = 1; i <= 10; i++) {
            batcher.add(i);
        }
        release.countDown();
        batcher.close();
        assertThat(sizes).allMatch(size -> size <= 3);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(11);
    }
}
