package io.inferstream.flink;

import io.inferstream.input.RejectReason;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Registers on a metric group every metric the inference jobs' operators report, for tests that need
 * the names as a metric reporter sees them (the dashboard's check in io.inferstream.deploy).
 */
public final class InferenceOperatorMetrics {
    private InferenceOperatorMetrics() {}

    /**
     * The operators' metrics on {@code operatorGroup}, with one sample value each: through {@link
     * InferenceMetrics} and {@link DeadLetterMetrics} themselves, and as {@link RnnStepOperator}
     * registers its reset counters and the inference operators their model version.
     */
    public static void registerAll(MetricGroup operatorGroup, String modelVersion) {
        InferenceMetrics inference = new InferenceMetrics(operatorGroup);
        inference.call(3, 2_000_000);
        inference.prediction(1_000, 1_250);
        DeadLetterMetrics deadLetters = new DeadLetterMetrics(operatorGroup);
        for (RejectReason reason : RejectReason.values()) {
            deadLetters.count(reason.name());
        }
        operatorGroup.counter(InferenceMetrics.STATE_RESETS);
        operatorGroup.counter(InferenceMetrics.TTL_RESETS);
        operatorGroup.gauge(InferenceMetrics.LIVE_KEYS, (Gauge<Long>) () -> 12L);
        operatorGroup.counter(InferenceMetrics.MODEL_UPDATES_ACCEPTED);
        operatorGroup.counter(InferenceMetrics.MODEL_UPDATES_REFUSED);
        operatorGroup
                .addGroup(InferenceMetrics.MODEL_VERSION_GROUP, modelVersion)
                .gauge(InferenceMetrics.MODEL_VERSION_ACTIVE, (Gauge<Integer>) () -> 1);
    }
}
