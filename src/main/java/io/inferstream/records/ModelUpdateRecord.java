package io.inferstream.records;

/**
 * A model update read from the control topic: which job, where the model is, the version its
 * predictions carry, and whether the tick job may reset every key's state for it. A record that
 * could not be parsed keeps the reason in {@link #error} so it can be refused on the status topic.
 */
public class ModelUpdateRecord {
    public String job;
    public String uri;
    public String version;
    public boolean resetState;
    /** The sender's id for this update, echoed in every status answering it; null if none. */
    public String requestId;
    /** Null for a well-formed update; else why the control record could not be read. */
    public String error;

    public ModelUpdateRecord() {}

    public ModelUpdateRecord(String job, String uri, String version, boolean resetState) {
        this.job = job;
        this.uri = uri;
        this.version = version;
        this.resetState = resetState;
    }

    public ModelUpdateRecord withRequestId(String id) {
        this.requestId = id;
        return this;
    }

    public static ModelUpdateRecord unreadable(String error) {
        ModelUpdateRecord update = new ModelUpdateRecord();
        update.error = error;
        return update;
    }

    @Override
    public String toString() {
        return error != null
                ? "unreadable model update (" + error + ")"
                : "model update {job: " + job + ", uri: " + uri + ", version: " + version + ", reset-state: "
                        + resetState + (requestId == null ? "" : ", request-id: " + requestId) + "}";
    }
}
