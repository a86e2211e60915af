package io.inferstream.kafka;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.UUID;

/**
 * One submission of a job: made where the job graph is built, so a failover restart of the same
 * job keeps it while every new submission (a restart of the launcher, a restore from a savepoint)
 * is a new instance.
 *
 * @param id a random UUID
 * @param startedAt when the job was built, epoch millis (shown to people, never compared)
 * @param host the machine that built it
 */
public record InstanceId(String id, long startedAt, String host) implements Serializable {

    /** A new instance built now on this machine. */
    public static InstanceId create() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown host";
        }
        return new InstanceId(UUID.randomUUID().toString(), System.currentTimeMillis(), host);
    }

    /** "instance ID (built TIME on HOST)", as registrations and messages show it. */
    public String describe() {
        return "instance " + id + " (built " + Instant.ofEpochMilli(startedAt) + " on " + host + ")";
    }
}
