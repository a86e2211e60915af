package io.inferstream.deploy;

import io.inferstream.flink.InferenceOperatorMetrics;
import io.inferstream.local.LocalPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.prometheus.PrometheusReporter;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.MetricNames;
import org.apache.flink.runtime.metrics.MetricRegistry;
import org.apache.flink.runtime.metrics.filter.ReporterFilter;
import org.apache.flink.runtime.metrics.groups.FrontMetricGroup;
import org.apache.flink.runtime.metrics.groups.JobManagerJobMetricGroup;
import org.apache.flink.runtime.metrics.groups.JobManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.ReporterScopedSettings;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;

/**
 * The series Flink's own Prometheus reporter serves for the jobs' metrics, as a JobManager's and a
 * TaskManager's reporter would: the operators' metrics and Flink's task metrics registered on real
 * Flink metric groups, and the two job metrics of the JobManager the dashboard shows, then scraped
 * over HTTP. So metric and label names come from Flink's naming rules, not from a copy of them.
 */
final class ReportedSeries {
    /** One sample line of the exposition: a series name and its labels. */
    static final class Sample {
        final String name;
        final Map<String, String> labels;

        Sample(String name, Map<String, String> labels) {
            this.name = name;
            this.labels = labels;
        }

        @Override
        public String toString() {
            return name + labels;
        }
    }

    static final String MODEL_VERSION = "2";

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private ReportedSeries() {}

    /**
     * What a TaskManager's reporter serves while it runs a task with a source and an inference
     * operator; without the operators' own metrics if {@code inferenceMetrics} is false.
     */
    static List<Sample> taskManager(boolean inferenceMetrics) throws Exception {
        return scrape(registry -> {
            TaskManagerMetricGroup taskManager =
                    TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "taskmanager", ResourceID.generate());
            TaskMetricGroup task = taskManager
                    .addJob(new JobID(), "tick-forecaster")
                    .addTask(ExecutionAttemptID.randomId(), "step sensor-esn per key");
            task.getOrAddOperator(new OperatorID(), "Source: kafka: ticks", Map.of());
            MetricGroup operator =
                    task.getOrAddOperator(new OperatorID(), "step sensor-esn per key (batch 256)", Map.of());
            if (inferenceMetrics) {
                InferenceOperatorMetrics.registerAll(operator, MODEL_VERSION);
            }
        });
    }

    /** What a JobManager's reporter serves of the job metrics the dashboard shows. */
    static List<Sample> jobManager() throws Exception {
        return scrape(registry -> {
            JobManagerJobMetricGroup job = JobManagerMetricGroup.createJobManagerMetricGroup(registry, "jobmanager")
                    .addJob(new JobID(), "tick-forecaster");
            job.gauge(MetricNames.NUM_RESTARTS, (Gauge<Long>) () -> 0L);
            // Registered by Flink's checkpoint statistics tracker under this name (not a public constant).
            job.gauge("lastCheckpointDuration", (Gauge<Long>) () -> 0L);
        });
    }

    private interface Registrations {
        void register(MetricRegistry registry) throws Exception;
    }

    private static List<Sample> scrape(Registrations registrations) throws Exception {
        int port = LocalPorts.free();
        MetricConfig config = new MetricConfig();
        config.setProperty("port", Integer.toString(port));
        PrometheusReporter reporter = new PrometheusReporterFactory().createMetricReporter(config);
        try {
            reporter.open(config);
            // Flink's registry hands each reporter the group wrapped like this, with the reporter's settings.
            ReporterScopedSettings<Metric> settings =
                    new ReporterScopedSettings<>(0, '.', ReporterFilter.getNoOpFilter(), Set.of(), Map.of());
            registrations.register(TestingMetricRegistry.builder()
                    .setRegisterConsumer((metric, name, group) ->
                            reporter.notifyOfAddedMetric(metric, name, new FrontMetricGroup<>(settings, group)))
                    .build());
            String exposition = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return parse(exposition);
        } finally {
            reporter.close();
        }
    }

    /** Prometheus's text format: comment lines, then one {@code name{labels} value} line a sample. */
    static List<Sample> parse(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line.trim());
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            samples.add(new Sample(sample.group(1), labels));
        }
        return samples;
    }
}
