package io.inferstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferstream.local.FlinkRest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Flink's web UI shows about a running job, fetched from the REST endpoints it reads:
 * the cluster's and the job's configuration, the job's parameters, plan, vertices, metric
 * names, exceptions and checkpoint settings, and the TaskManagers.
 */
public final class WebUiResources {

    private WebUiResources() {}

    /** Path to JSON answer; a path this Flink version does not serve fails the fetch. */
    public static Map<String, String> ofJob(FlinkRest rest, String jobId) {
        String job = "/jobs/" + jobId;
        List<String> paths = new ArrayList<>(List.of(
                "/overview",
                "/config",
                "/jobmanager/config",
                "/jobmanager/environment",
                "/taskmanagers",
                "/jobs/overview",
                job,
                job + "/config",
                job + "/plan",
                job + "/jobmanager/config",
                job + "/jobmanager/environment",
                job + "/exceptions",
                job + "/accumulators",
                job + "/checkpoints",
                job + "/checkpoints/config"));
        for (JsonNode vertex : rest.get(job).path("vertices")) {
            String path = job + "/vertices/" + vertex.path("id").asText();
            paths.add(path);
            paths.add(path + "/metrics");
            paths.add(path + "/accumulators");
        }
        for (JsonNode taskManager : rest.get("/taskmanagers").path("taskmanagers")) {
            paths.add("/taskmanagers/" + taskManager.path("id").asText());
        }
        Map<String, String> answers = new LinkedHashMap<>();
        for (String path : paths) {
            answers.put(path, rest.get(path).toString());
        }
        return answers;
    }
}
