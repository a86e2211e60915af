package io.inferstream.flink;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Dead letters counted per reason, as metrics {@code deadLetters.<REASON>} of the operator. */
final class DeadLetterMetrics {
    /** The group of the counters, one per {@link io.inferstream.input.RejectReason} name. */
    static final String GROUP = "deadLetters";

    private final MetricGroup group;
    private final Map<String, Counter> counters = new HashMap<>();

    DeadLetterMetrics(MetricGroup operatorGroup) {
        this.group = operatorGroup.addGroup(GROUP);
    }

    void count(String reason) {
        counters.computeIfAbsent(reason, group::counter).inc();
    }
}
