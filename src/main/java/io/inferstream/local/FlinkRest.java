package io.inferstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The parts of Flink's REST API the launcher and the cluster tests use: jars, jobs, savepoints. */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String base) {
        this.base = base;
    }

    /** Registered TaskManagers, or 0 while the JobManager does not answer yet. */
    public int taskManagerCount() {
        try {
            return get("/taskmanagers").path("taskmanagers").size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Uploads a job jar; returns its id for {@link #run}. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "----inferstream" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer = send(HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = answer.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /**
     * Runs an uploaded jar's main with these program arguments; returns the job id. A failing
     * main (a refused configuration or model) comes back as an exception with Flink's errors.
     */
    public String run(String jarId, List<String> args, Integer parallelism, String savepoint) {
        ObjectNode request = JSON.createObjectNode();
        args.forEach(request.putArray("programArgsList")::add);
        if (parallelism != null) {
            request.put("parallelism", parallelism);
        }
        if (savepoint != null) {
            request.put("savepointPath", savepoint);
        }
        return send(HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request.toString())))
                .path("jobid")
                .asText();
    }

    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job is in the state, failing early if it fails. */
    public void awaitState(String jobId, String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = jobState(jobId);
            if (last.equals(state)) {
                return;
            }
            if (last.equals("FAILED") && !state.equals("FAILED")) {
                break;
            }
            pause(250);
        }
        throw new IllegalStateException("job " + jobId + " is " + last + " after " + timeout.toSeconds()
                + " s; expected " + state + ". Exceptions: " + get("/jobs/" + jobId + "/exceptions"));
    }

    /** Waits until every task of the job is running (the job's RUNNING state comes earlier). */
    public void awaitAllTasksRunning(String jobId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = get("/jobs/" + jobId);
            boolean all = job.path("vertices").size() > 0;
            for (JsonNode vertex : job.path("vertices")) {
                all &= vertex.path("status").asText().equals("RUNNING");
            }
            if (all) {
                return;
            }
            pause(250);
        }
        throw new IllegalStateException(
                "tasks of job " + jobId + " not all running after " + timeout.toSeconds() + " s");
    }

    /** Stops the job with a savepoint in {@code directory}; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId, Path directory, Duration timeout) {
        ObjectNode request = JSON.createObjectNode();
        request.put("targetDirectory", directory.toUri().toString());
        request.put("drain", false);
        String trigger = send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "/stop"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request.toString())))
                .path("request-id")
                .asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IllegalStateException("savepoint of job " + jobId + " failed: " + operation);
                }
                return operation.path("location").asText();
            }
            pause(250);
        }
        throw new IllegalStateException("savepoint of job " + jobId + " not done after " + timeout.toSeconds() + " s");
    }

    public void cancel(String jobId) {
        send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /** Ids of the jobs that are not finished, failed or canceled. */
    public List<String> activeJobs() {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : get("/jobs").path("jobs")) {
            String status = job.path("status").asText();
            if (!status.equals("FINISHED") && !status.equals("FAILED") && !status.equals("CANCELED")) {
                ids.add(job.path("id").asText());
            }
        }
        return ids;
    }

    /** Ids of the jobs named {@code name} that are not finished, failed or canceled. */
    public List<String> activeJobsNamed(String name) {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            String state = job.path("state").asText();
            if (job.path("name").asText().equals(name)
                    && !state.equals("FINISHED")
                    && !state.equals("FAILED")
                    && !state.equals("CANCELED")) {
                ids.add(job.path("jid").asText());
            }
        }
        return ids;
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 300) {
                throw new FlinkRestException(
                        response.statusCode(), body.path("errors").toString());
            }
            return body;
        } catch (IOException e) {
            throw new IllegalStateException("Flink REST " + base + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling Flink REST " + base, e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** An error answer of the REST API, with Flink's own error texts. */
    public static final class FlinkRestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FlinkRestException(int status, String errors) {
            super("Flink REST answered " + status + ": " + errors);
        }
    }
}
