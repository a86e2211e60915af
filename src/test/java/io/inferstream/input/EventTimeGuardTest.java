package io.inferstream.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventTimeGuardTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private final AtomicLong clock = new AtomicLong(NOW);
    private final EventTimeGuard guard = new EventTimeGuard(HOUR, clock::get);

    private RejectedInputException refusal(int partition, long ts) {
        try {
            guard.check(partition, ts);
        } catch (RejectedInputException e) {
            return e;
        }
        throw new AssertionError("expected ts " + ts + " to be refused");
    }

    @Test
    void shouldRefuseAMicrosecondTimestampNamingTheUnit() {
        RejectedInputException e = refusal(0, 1_700_000_000_000_000L);

        assertThat(e.reason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP);
        assertThat(e.getMessage())
                .startsWith("ts 1700000000000000 is 53,814 years ahead of the wall clock (1800000000000); expected"
                        + " epoch milliseconds at most order.max-future-ms = 3600000 ahead")
                .endsWith("(a time in microseconds or nanoseconds lands that far ahead)");
    }

    @Test
    void shouldAcceptOldDataAndTimesUpToTheBoundAhead() {
        assertThatCode(() -> guard.check(0, 1_000)).doesNotThrowAnyException();
        assertThatCode(() -> guard.check(1, NOW + HOUR)).doesNotThrowAnyException();
        assertThat(refusal(2, NOW + HOUR + 1).getMessage()).startsWith("ts 1800003600001 is 1 h 0 min ahead");
    }

    @Test
    void shouldRefuseAJumpAheadOfThePartitionThatTheNextTickDoesNotConfirm() throws Exception {
        long replay = 1_500_000_000_000L; // years before the wall clock: a replay
        guard.check(0, replay);
        guard.check(0, replay + 1000);

        long nextYear = replay + 1000 + 400 * 86_400_000L; // a mistyped year
        RejectedInputException e = refusal(0, nextYear);
        assertThat(e.reason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP);
        assertThat(e.getMessage())
                .isEqualTo("ts 1534560001000 is 400 days ahead of the newest tick of partition 0 (1500000001000);"
                        + " expected at most order.max-future-ms = 3600000 plus the wall time since that tick"
                        + " ahead");
        guard.check(0, replay + 2000);
        // Other partitions have their own newest tick.
        guard.check(1, nextYear);
        // Back on the replay's timeline, the same jump is refused again.
        assertThat(refusal(0, nextYear).reason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP);
    }

    @Test
    void shouldTakeAJumpTheNextTickConfirmsSoAGapNeverStopsAPartition() throws Exception {
        long replay = 1_500_000_000_000L;
        guard.check(0, replay);
        long afterGap = replay + 2 * 86_400_000L; // a weekend with no ticks, replayed in no time

        assertThat(refusal(0, afterGap).reason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP);
        guard.check(0, afterGap + 1000);
        guard.check(0, afterGap + 2000);
        assertThatCode(() -> guard.check(0, afterGap + 3000)).doesNotThrowAnyException();
    }

    @Test
    void shouldAllowAQuietLivePartitionTheWallTimeItWasQuiet() throws Exception {
        guard.check(0, NOW - 10 * HOUR);
        clock.addAndGet(9 * HOUR); // a night without ticks

        assertThatCode(() -> guard.check(0, NOW - 10 * HOUR + 10 * HOUR - 1000)).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseABoundOfZero() {
        assertThatThrownBy(() -> new EventTimeGuard(0, clock::get)).hasMessageContaining("expected > 0");
    }
}
