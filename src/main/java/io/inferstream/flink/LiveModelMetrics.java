package io.inferstream.flink;

import java.util.HashSet;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * What a live model reports: updates accepted and refused, and one gauge per model version it
 * has served ({@code model_version="2"} active = 1 while that version serves, 0 after). The names
 * are {@link InferenceMetrics}'s, which dashboards are checked against.
 */
final class LiveModelMetrics {
    private final MetricGroup group;
    private final Set<String> versionsRegistered = new HashSet<>();
    private final Counter accepted;
    private final Counter refused;
    /** Read by the metric reporter thread. */
    private volatile String activeVersion;

    LiveModelMetrics(MetricGroup group, String version) {
        this.group = group;
        this.accepted = group.counter(InferenceMetrics.MODEL_UPDATES_ACCEPTED);
        this.refused = group.counter(InferenceMetrics.MODEL_UPDATES_REFUSED);
        serving(version);
    }

    /** An update was swapped in: {@code version} serves from now on. */
    void accepted(String version) {
        serving(version);
        accepted.inc();
    }

    /** An update was refused: the running model stays. */
    void refused() {
        refused.inc();
    }

    private void serving(String version) {
        activeVersion = version;
        if (versionsRegistered.add(version)) {
            group.addGroup(InferenceMetrics.MODEL_VERSION_GROUP, version)
                    .gauge(InferenceMetrics.MODEL_VERSION_ACTIVE, (Gauge<Integer>)
                            () -> version.equals(activeVersion) ? 1 : 0);
        }
    }
}
