package io.inferstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.flink.api.common.JobID;

/** A running job's checkpoints as Flink's REST API reports them, and full checkpoints triggered through it. */
final class CheckpointStatistics {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One completed checkpoint: sizes in bytes (the full state, and what this checkpoint wrote), duration in ms. */
    record Checkpoint(long id, long stateSize, long checkpointedSize, long durationMs) {
        static Checkpoint of(JsonNode node) {
            return new Checkpoint(
                    node.path("id").asLong(),
                    node.path("state_size").asLong(),
                    node.path("checkpointed_size").asLong(),
                    node.path("end_to_end_duration").asLong());
        }
    }

    /** All completed checkpoints of the job so far: how many, and their average and largest duration and size written. */
    record Summary(long completed, long avgDurationMs, long maxDurationMs, long avgWritten, long maxWritten) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String checkpoints;

    CheckpointStatistics(int restPort, JobID job) {
        this.checkpoints = "http://127.0.0.1:" + restPort + "/jobs/" + job.toHexString() + "/checkpoints";
    }

    /** The id of the latest completed checkpoint, or -1 when none has completed yet. */
    long latestCompletedId() throws IOException, InterruptedException {
        JsonNode completed = get(checkpoints).path("latest").path("completed");
        return completed.isObject() ? completed.path("id").asLong() : -1;
    }

    /** Flink's summary of every completed checkpoint so far. */
    Summary summary() throws IOException, InterruptedException {
        JsonNode stats = get(checkpoints);
        JsonNode duration = stats.path("summary").path("end_to_end_duration");
        JsonNode written = stats.path("summary").path("checkpointed_size");
        return new Summary(
                stats.path("counts").path("completed").asLong(),
                duration.path("avg").asLong(),
                duration.path("max").asLong(),
                written.path("avg").asLong(),
                written.path("max").asLong());
    }

    /** Waits for a periodic checkpoint with an id above {@code afterId} to complete, and returns it. */
    Checkpoint awaitCompletedAfter(long afterId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            JsonNode completed = get(checkpoints).path("latest").path("completed");
            if (completed.isObject() && completed.path("id").asLong() > afterId) {
                return Checkpoint.of(completed);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "no checkpoint after checkpoint " + afterId + " completed within " + timeout.toSeconds() + " s");
    }

    /** Triggers a full (not incremental) checkpoint, waits for it to complete, and returns it. */
    Checkpoint triggerFull(Duration timeout) throws IOException, InterruptedException {
        String trigger = post(checkpoints, "{\"checkpointType\":\"FULL\"}")
                .path("request-id")
                .asText();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            JsonNode status = get(checkpoints + "/" + trigger);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (!operation.has("checkpointId")) {
                    throw new IllegalStateException("full checkpoint failed: " + operation);
                }
                return completed(operation.path("checkpointId").asLong(), deadline);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("full checkpoint did not complete within " + timeout.toSeconds() + " s");
    }

    /** The statistics of a completed checkpoint, once the REST API's cached statistics include it. */
    private Checkpoint completed(long id, long deadline) throws IOException, InterruptedException {
        while (System.currentTimeMillis() < deadline) {
            long oldest = Long.MAX_VALUE;
            for (JsonNode checkpoint : get(checkpoints).path("history")) {
                if (checkpoint.path("id").asLong() == id
                        && checkpoint.path("status").asText().equals("COMPLETED")) {
                    return Checkpoint.of(checkpoint);
                }
                oldest = Math.min(oldest, checkpoint.path("id").asLong());
            }
            if (oldest != Long.MAX_VALUE && oldest > id) {
                // The history keeps the latest few (web.checkpoints.history); waiting brings it no closer.
                throw new IllegalStateException("checkpoint " + id + " has left the checkpoint statistics' history"
                        + " (oldest there: " + oldest + ")");
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("checkpoint " + id + " is not in the checkpoint statistics");
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private JsonNode post(String url, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ": " + response.body() + "; expected 2xx");
        }
        return JSON.readTree(response.body());
    }
}
