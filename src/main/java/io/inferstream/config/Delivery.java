package io.inferstream.config;

/** The delivery guarantee of the Kafka sinks. */
public enum Delivery {
    /** Kafka transactions committed on checkpoints; consumers read with read_committed. */
    EXACTLY_ONCE,
    /** Flushed on checkpoints; a failover may write some predictions twice. */
    AT_LEAST_ONCE
}
