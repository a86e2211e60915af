package io.inferstream.records;

/** What one parallel instance did with a model update; written out as a ModelStatus. */
public class ModelStatusRecord {
    public static final String ACCEPTED = "ACCEPTED";
    public static final String REFUSED = "REFUSED";

    public String job;
    public int subtask;
    public String status;
    public String uri;
    public String version;
    public String activeVersion;
    public String reason;
    public long at;
    /** The answered update's request id, or null. */
    public String requestId;

    public ModelStatusRecord() {}

    public static ModelStatusRecord of(
            String job, int subtask, String status, ModelUpdateRecord update, String activeVersion, String reason) {
        ModelStatusRecord s = new ModelStatusRecord();
        s.job = job;
        s.subtask = subtask;
        s.status = status;
        s.uri = update.uri;
        s.version = update.version;
        s.activeVersion = activeVersion;
        s.reason = reason;
        s.at = System.currentTimeMillis();
        s.requestId = update.requestId;
        return s;
    }

    @Override
    public String toString() {
        return job + "[" + subtask + "] " + status + " " + uri + " v" + version + " (active: v" + activeVersion + ")"
                + (reason == null ? "" : ": " + reason);
    }
}
