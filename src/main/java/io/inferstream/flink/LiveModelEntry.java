package io.inferstream.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a live model's operator state: which subtask wrote it, the configured model that
 * subtask started from, and a model location with the version it was given. A subtask's first
 * entry is the model in use; later ones are updates still loading when the checkpoint was taken.
 *
 * <p>A Flink POJO (public fields, no-argument constructor), so Flink's POJO serializer writes it
 * and lets fields be added or removed in a later release without losing savepoints.
 */
public class LiveModelEntry {
    public int subtask;
    public String configured;
    public String location;
    /** The version an update gave the model; null keeps the model's own. */
    public String version;
    /** The update asked every key to start again from the new model's initial state. */
    public boolean resetState;

    public LiveModelEntry() {}

    public LiveModelEntry(int subtask, String configured, String location, String version, boolean resetState) {
        this.subtask = subtask;
        this.configured = configured;
        this.location = location;
        this.version = version;
        this.resetState = resetState;
    }

    /**
     * Reads one line of the state written before this class existed: a String union state named
     * {@code live-model}, fields joined by tabs, an empty version for none.
     */
    static LiveModelEntry fromLegacyLine(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 5) {
            throw new IllegalStateException("restored live-model state line '" + line + "' has " + f.length
                    + " tab-separated fields; expected 5 (subtask, configured, location, version, reset)");
        }
        return new LiveModelEntry(
                Integer.parseInt(f[0]), f[1], f[2], f[3].isEmpty() ? null : f[3], Boolean.parseBoolean(f[4]));
    }

    /** The entries of this subtask, or of the lowest restored subtask when it has none (rescaling up). */
    static List<LiveModelEntry> chooseFor(int subtask, List<LiveModelEntry> all) {
        int chosen = Integer.MAX_VALUE;
        for (LiveModelEntry e : all) {
            if (e.subtask == subtask) {
                chosen = subtask;
                break;
            }
            chosen = Math.min(chosen, e.subtask);
        }
        List<LiveModelEntry> mine = new ArrayList<>();
        for (LiveModelEntry e : all) {
            if (e.subtask == chosen) {
                mine.add(e);
            }
        }
        return mine;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LiveModelEntry e
                && subtask == e.subtask
                && resetState == e.resetState
                && Objects.equals(configured, e.configured)
                && Objects.equals(location, e.location)
                && Objects.equals(version, e.version);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subtask, configured, location, version, resetState);
    }

    @Override
    public String toString() {
        return "subtask " + subtask + ": " + location + " version " + version + " (configured " + configured
                + (resetState ? ", reset" : "") + ")";
    }
}
