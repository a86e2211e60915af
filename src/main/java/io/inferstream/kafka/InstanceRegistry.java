package io.inferstream.kafka;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The instances of one job in the order they registered in the fence topic, and who is fenced:
 * an instance is superseded once another instance of its job registered after it. Order is the
 * topic's own (one partition), not the machines' clocks, so skewed clocks cannot reverse it.
 * Records are keyed {@code JOB/INSTANCE_ID}: on a compacted topic each instance's registration
 * stays for good, so an old instance restarting can never mistake itself for a new one.
 */
public final class InstanceRegistry {
    private final String job;
    /** Instance id to its description, in order of first registration. */
    private final Map<String, String> registered = new LinkedHashMap<>();

    public InstanceRegistry(String job) {
        this.job = job;
    }

    /** The record key an instance of {@code job} registers under. */
    public static byte[] key(String job, InstanceId instance) {
        return (job + "/" + instance.id()).getBytes(StandardCharsets.UTF_8);
    }

    /** The record value: the description people read with any console consumer. */
    public static byte[] value(InstanceId instance) {
        return instance.describe().getBytes(StandardCharsets.UTF_8);
    }

    /** Adds the next record of the topic; records of other jobs, or without a key, are skipped. */
    public void add(byte[] key, byte[] value) {
        if (key == null) {
            return;
        }
        String text = new String(key, StandardCharsets.UTF_8);
        int slash = text.lastIndexOf('/');
        if (slash < 0 || !text.substring(0, slash).equals(job)) {
            return;
        }
        String description =
                value == null ? "instance " + text.substring(slash + 1) : new String(value, StandardCharsets.UTF_8);
        registered.putIfAbsent(text.substring(slash + 1), description);
    }

    /** Whether {@code instanceId} has registered. */
    public boolean isRegistered(String instanceId) {
        return registered.containsKey(instanceId);
    }

    /**
     * The newest instance that registered after {@code instanceId}, described; empty while it is
     * the newest, and for an instance not registered yet (a new one, about to register).
     */
    public Optional<String> supersededBy(String instanceId) {
        boolean after = false;
        String newest = null;
        for (Map.Entry<String, String> entry : registered.entrySet()) {
            if (after) {
                newest = entry.getValue();
            }
            after |= entry.getKey().equals(instanceId);
        }
        return Optional.ofNullable(newest);
    }
}
