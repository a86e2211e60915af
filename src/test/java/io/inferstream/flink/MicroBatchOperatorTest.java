package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class MicroBatchOperatorTest {

    /** Tags every value with the size of the batch it travelled in, e.g. "7/3". */
    static final class TagWithBatchSize implements BatchFunction<Integer, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public void open() {}

        @Override
        public List<String> apply(List<Integer> batch) {
            List<String> out = new ArrayList<>();
            for (Integer value : batch) {
                out.add(value + "/" + batch.size());
            }
            return out;
        }

        @Override
        public void close() {}
    }

    private static OneInputStreamOperatorTestHarness<Integer, String> harness(int maxSize, long maxWaitMs)
            throws Exception {
        OneInputStreamOperatorTestHarness<Integer, String> harness = new OneInputStreamOperatorTestHarness<>(
                new MicroBatchOperator<>(new TagWithBatchSize(), maxSize, maxWaitMs));
        harness.setProcessingTime(1_000);
        harness.open();
        return harness;
    }

    @Test
    void shouldEmitABatchAsSoonAsItIsFull() throws Exception {
        try (var harness = harness(3, 20)) {
            harness.processElement(1, 0);
            harness.processElement(2, 0);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processElement(3, 0);

            assertThat(harness.extractOutputValues()).containsExactly("1/3", "2/3", "3/3");
        }
    }

    @Test
    void shouldNotHoldALoneRecordLongerThanTheMaximumWait() throws Exception {
        try (var harness = harness(64, 20)) {
            harness.processElement(7, 0);
            harness.setProcessingTime(1_019);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.setProcessingTime(1_020);

            assertThat(harness.extractOutputValues()).containsExactly("7/1");
        }
    }

    @Test
    void shouldMeasureTheWaitFromTheFirstRecordOfEachBatch() throws Exception {
        try (var harness = harness(2, 20)) {
            harness.processElement(1, 0);
            harness.processElement(2, 0); // full: flushed, its timer is stale now
            harness.setProcessingTime(1_010);
            harness.processElement(3, 0); // new batch, deadline 1_030
            harness.setProcessingTime(1_020); // the first batch's old deadline must not flush it
            assertThat(harness.extractOutputValues()).containsExactly("1/2", "2/2");

            harness.setProcessingTime(1_030);

            assertThat(harness.extractOutputValues()).containsExactly("1/2", "2/2", "3/1");
        }
    }

    @Test
    void shouldFlushBeforeACheckpointBarrierSoNothingIsBufferedInState() throws Exception {
        try (var harness = harness(64, 60_000)) {
            harness.processElement(1, 0);
            harness.processElement(2, 0);

            harness.prepareSnapshotPreBarrier(1L);

            assertThat(harness.extractOutputValues()).containsExactly("1/2", "2/2");
            assertThat(harness.snapshot(1L, 1_000L).getManagedOperatorState()).isEmpty();
            assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isZero();
        }
    }

    @Test
    void shouldFlushBeforeForwardingAWatermark() throws Exception {
        try (var harness = harness(64, 60_000)) {
            harness.processElement(5, 0);

            harness.processWatermark(new Watermark(100));

            assertThat(harness.getOutput()).hasSize(2);
            assertThat(harness.extractOutputValues()).containsExactly("5/1");
            assertThat(harness.getOutput().toArray()[1]).isEqualTo(new Watermark(100));
        }
    }

    @Test
    void shouldFlushTheRestWhenTheInputEnds() throws Exception {
        try (var harness = harness(64, 60_000)) {
            harness.processElement(1, 0);

            harness.endInput();

            assertThat(harness.extractOutputValues()).containsExactly("1/1");
        }
    }

    @Test
    void shouldSendEveryRecordAloneWithZeroWait() throws Exception {
        try (var harness = harness(64, 0)) {
            harness.processElement(1, 0);
            harness.processElement(2, 0);

            assertThat(harness.extractOutputValues()).containsExactly("1/1", "2/1");
        }
    }
}
