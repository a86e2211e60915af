package io.inferstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time while a benchmark job runs, sampled every 100 ms: this JVM's (the job's MiniCluster,
 * the benchmark's own producer and watcher), its child processes' (the local Kafka broker), and
 * this JVM's per thread, grouped by what the thread does. Read between two wall-clock instants
 * (a stage's first and last record), it says where CPU went per record independently of how busy
 * the machine was, which wall-clock throughput on a shared 2-core machine cannot.
 */
final class CpuTimeline implements AutoCloseable {
    private static final long PERIOD_MS = 100;
    /** Flink task threads end in "(1/1)#0"; Kafka clients' threads carry a client id after " | ". */
    private static final Pattern INSTANCE = Pattern.compile(" \\(\\d+/\\d+\\)#\\d+$| \\| .*$|-\\d+$");

    private record Sample(long wallMs, long selfNanos, long childrenNanos, Map<Long, Long> threadNanos) {}

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<Sample> samples = new ArrayList<>();
    private final Map<Long, String> threadNames = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private CpuTimeline() {
        sampler = new Thread(this::sample, "bench-cpu-timeline");
        sampler.setDaemon(true);
    }

    /** Starts sampling now. */
    static CpuTimeline start() {
        CpuTimeline timeline = new CpuTimeline();
        timeline.sampler.start();
        return timeline;
    }

    private void sample() {
        while (running) {
            take();
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void take() {
        long wall = System.currentTimeMillis();
        // A thread that ended keeps the CPU it last had, so what it did in a window still counts.
        Map<Long, Long> perThread;
        synchronized (samples) {
            perThread = samples.isEmpty()
                    ? new HashMap<>()
                    : new HashMap<>(samples.get(samples.size() - 1).threadNanos());
        }
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                perThread.put(info.getThreadId(), nanos);
            }
            synchronized (threadNames) {
                threadNames.putIfAbsent(info.getThreadId(), info.getThreadName());
            }
        }
        long self = cpuNanos(ProcessHandle.current());
        long children = ProcessHandle.current()
                .children()
                .mapToLong(CpuTimeline::cpuNanos)
                .sum();
        synchronized (samples) {
            samples.add(new Sample(wall, self, children, perThread));
        }
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
    }

    /**
     * CPU between the samples nearest {@code fromMs} and {@code toMs}, per record of {@code
     * records}: "this JVM x us, broker y us" and this JVM's thread groups, largest first.
     */
    Usage between(long fromMs, long toMs, long records) {
        Sample from;
        Sample to;
        synchronized (samples) {
            take();
            from = nearest(fromMs);
            to = nearest(toMs);
        }
        double perRecord = 1e-3 / Math.max(1, records);
        Map<String, Long> groups = new HashMap<>();
        for (Map.Entry<Long, Long> e : to.threadNanos().entrySet()) {
            long used = e.getValue() - from.threadNanos().getOrDefault(e.getKey(), 0L);
            String name;
            synchronized (threadNames) {
                name = group(threadNames.get(e.getKey()));
            }
            groups.merge(name, used, Long::sum);
        }
        // What no Java thread accounts for: garbage collection, the JIT compilers, the VM's own threads.
        long inThreads = groups.values().stream().mapToLong(Long::longValue).sum();
        groups.put("(GC, JIT, VM)", Math.max(0, to.selfNanos() - from.selfNanos() - inThreads));
        Map<String, Double> byGroup = new LinkedHashMap<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> byGroup.put(e.getKey(), e.getValue() * perRecord));
        return new Usage(
                (to.selfNanos() - from.selfNanos()) * perRecord,
                (to.childrenNanos() - from.childrenNanos()) * perRecord,
                (to.wallMs() - from.wallMs()) / 1000.0,
                byGroup);
    }

    private Sample nearest(long wallMs) {
        Sample best = samples.get(0);
        for (Sample s : samples) {
            if (Math.abs(s.wallMs() - wallMs) < Math.abs(best.wallMs() - wallMs)) {
                best = s;
            }
        }
        return best;
    }

    /** A thread's name without its instance: all Kafka producer threads are one group, and so on. */
    static String group(String threadName) {
        if (threadName == null) {
            return "(ended)";
        }
        return INSTANCE.matcher(threadName).replaceAll("");
    }

    /**
     * CPU microseconds per record: this JVM's, the child processes' (the broker's), over a
     * window of {@code seconds}, and this JVM's by thread group.
     */
    record Usage(double selfMicros, double brokerMicros, double seconds, Map<String, Double> byThreadGroup) {
        /** The largest thread groups, "name x.xx" each. */
        String topGroups(int n) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, Double> e : byThreadGroup.entrySet()) {
                if (parts.size() == n) {
                    break;
                }
                String name = e.getKey().length() > 48 ? e.getKey().substring(0, 45) + "..." : e.getKey();
                parts.add(String.format("%s %.2f", name, e.getValue()));
            }
            return String.join("; ", parts);
        }
    }
}
