package io.inferstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class CpuTimelineTest {

    @Test
    void shouldGroupThreadsWithoutTheirInstance() {
        assertThat(CpuTimeline.group("Source: kafka: ticks -> validate ticks (1/2)#0"))
                .isEqualTo("Source: kafka: ticks -> validate ticks");
        assertThat(CpuTimeline.group("kafka-producer-network-thread | producer-bench-7"))
                .isEqualTo("kafka-producer-network-thread");
        assertThat(CpuTimeline.group("flink-scheduler-12")).isEqualTo("flink-scheduler");
        assertThat(CpuTimeline.group(null)).isEqualTo("(ended)");
    }

    @Test
    void shouldChargeABusyThreadsCpuToItsGroupPerRecord() throws Exception {
        long[] sink = {0};
        Thread busy = new Thread(
                () -> {
                    // 300 ms of this thread's own CPU, however busy the machine is.
                    var threads = ManagementFactory.getThreadMXBean();
                    while (threads.getCurrentThreadCpuTime() < 300_000_000L) {
                        sink[0] += System.nanoTime() % 7;
                    }
                },
                "busy-worker-1");
        long from;
        long to;
        CpuTimeline.Usage usage;
        try (CpuTimeline timeline = CpuTimeline.start()) {
            Thread.sleep(150);
            from = System.currentTimeMillis();
            busy.start();
            busy.join();
            Thread.sleep(150);
            to = System.currentTimeMillis();
            usage = timeline.between(from, to, 1_000);
        }
        // 300 ms of CPU over 1,000 records is 300 us each; a thread that ends is seen last up to
        // one sampling period (100 ms) before its end.
        assertThat(usage.byThreadGroup()).containsKey("busy-worker");
        assertThat(usage.byThreadGroup().get("busy-worker")).isBetween(150.0, 320.0);
        assertThat(usage.selfMicros())
                .isGreaterThanOrEqualTo(usage.byThreadGroup().get("busy-worker") * 0.9);
        assertThat(usage.seconds()).isGreaterThan(0.2);
    }
}
