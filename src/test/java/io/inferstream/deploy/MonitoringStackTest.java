package io.inferstream.deploy;

import static io.inferstream.deploy.ComposeFile.list;
import static io.inferstream.deploy.ComposeFile.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferstream.deploy.ComposeFile.Service;
import io.inferstream.deploy.PromQlSelectors.LabelMatcher;
import io.inferstream.deploy.PromQlSelectors.Selector;
import io.inferstream.deploy.ReportedSeries.Sample;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the monitoring profile of docker-compose.yml without Docker: Prometheus scrapes every
 * Flink process at its reporter's port, Grafana is provisioned from files in the repository, and
 * every dashboard query selects series that exist, as Flink's own Prometheus reporter names the
 * operators' metrics and as the scrape configuration relabels them.
 */
class MonitoringStackTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String PROVISIONING_DEFAULT = "/etc/grafana/provisioning";
    /** Labels whose values Flink or the scrape configuration sets, so a query's values can be checked. */
    private static final Set<String> CHECKED_VALUES = Set.of("quantile", "reason", "job");

    private static ComposeFile compose;
    private static Service prometheus;
    private static Service grafana;

    @BeforeAll
    static void load() throws Exception {
        compose = ComposeFile.load(ROOT.resolve("docker-compose.yml"));
        assertThat(compose.servicesOn("prom/prometheus"))
                .as("Prometheus services")
                .hasSize(1);
        assertThat(compose.servicesOn("grafana/grafana")).as("Grafana services").hasSize(1);
        prometheus = compose.servicesOn("prom/prometheus").get(0);
        grafana = compose.servicesOn("grafana/grafana").get(0);
    }

    @Test
    void shouldScrapeEveryFlinkProcessAtItsReporterPort() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> scraped = new TreeSet<>();
        for (ScrapeJob job : scrapeJobs()) {
            for (Target target : job.targets) {
                Service service = compose.services.get(target.host);
                if (service == null || !(service.runs("jobmanager") || service.runs("taskmanager"))) {
                    problems.add("scrape job " + job.name + " targets '" + target.host
                            + "', which is no JobManager or TaskManager service");
                    continue;
                }
                String port = service.flinkProperties().get("metrics.reporter.prom.port");
                if (!String.valueOf(target.port).equals(port)) {
                    problems.add("scrape job " + job.name + " scrapes " + service + " on port " + target.port
                            + "; its reporter listens on " + port);
                }
                // `--scale taskmanager=N` makes replicas that one static address would miss.
                if (service.runs("taskmanager") && !target.discovered) {
                    problems.add("scrape job " + job.name + " names " + service
                            + " in static_configs; expected dns_sd_configs (type A) to find every replica");
                }
                scraped.add(service.name);
            }
        }
        for (Service service : compose.services.values()) {
            if ((service.runs("jobmanager") || service.runs("taskmanager")) && !scraped.contains(service.name)) {
                problems.add(service + " is not scraped by " + prometheusConfig());
            }
        }
        assertThat(problems)
                .as("scrape targets in %s", ROOT.relativize(prometheusConfig()))
                .isEmpty();
    }

    @Test
    void shouldProvisionGrafanaFromTheRepository() throws IOException {
        List<String> problems = new ArrayList<>();
        Path provisioning = provisioningDir();
        Map<String, String> datasources = datasourceUids(provisioning, problems);
        if (datasources.isEmpty()) {
            problems.add("no Prometheus datasource under " + ROOT.relativize(provisioning.resolve("datasources")));
        }
        List<Path> dashboards = dashboardFiles();
        if (dashboards.isEmpty()) {
            problems.add("no dashboard JSON in the folders of the dashboard providers");
        }
        String home = grafana.environment().get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        if (home != null
                && !hostFile(grafana, home).filter(dashboards::contains).isPresent()) {
            problems.add(grafana + " sets its home dashboard to '" + home + "', which is none of " + dashboards);
        }
        for (Path file : dashboards) {
            JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
            if (dashboard.path("uid").asText().isEmpty()
                    || dashboard.path("title").asText().isEmpty()) {
                problems.add(ROOT.relativize(file) + " has no uid or no title");
            }
            for (JsonNode datasource : dashboard.findValues("datasource")) {
                String uid = datasource.path("uid").asText(datasource.asText());
                if (!datasources.containsValue(uid)) {
                    problems.add(ROOT.relativize(file) + " uses datasource '" + uid + "'; provisioned: "
                            + datasources.values());
                }
            }
        }
        assertThat(problems).as("Grafana provisioning").isEmpty();
    }

    @Test
    void shouldQueryOnlySeriesThatFlinkReports() throws Exception {
        Map<String, Map<String, Set<String>>> series = scrapedSeries();
        List<String> problems = new ArrayList<>();
        for (Path file : dashboardFiles()) {
            for (Map.Entry<String, String> query : queries(file).entrySet()) {
                String where = ROOT.relativize(file) + ", " + query.getKey() + ": " + query.getValue();
                List<Selector> selectors;
                try {
                    selectors = PromQlSelectors.of(query.getValue());
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
                if (selectors.isEmpty()) {
                    problems.add(where + ": selects no series");
                }
                for (Selector selector : selectors) {
                    checkSelector(where, selector, series, problems);
                }
            }
        }
        assertThat(problems)
                .as("dashboard queries against the series Prometheus gets (%s)", series.keySet())
                .isEmpty();
    }

    @Test
    void shouldShowEveryMetricOfTheInferenceOperators() throws Exception {
        Set<String> queried = new TreeSet<>();
        for (Path file : dashboardFiles()) {
            for (String query : queries(file).values()) {
                PromQlSelectors.of(query).forEach(s -> queried.add(s.metric));
            }
        }
        Set<String> builtIn = relabeled(ReportedSeries.taskManager(false), "flink-taskmanager").stream()
                .map(s -> s.name)
                .collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        for (Sample sample : relabeled(ReportedSeries.taskManager(true), "flink-taskmanager")) {
            String name = sample.name;
            boolean summaryCount =
                    name.endsWith("_count") && queried.contains(name.substring(0, name.length() - "_count".length()));
            if (!builtIn.contains(name) && !queried.contains(name) && !summaryCount && !missing.contains(name)) {
                missing.add(name);
            }
        }
        assertThat(missing).as("operator metrics no dashboard shows").isEmpty();
    }

    private void checkSelector(
            String where, Selector selector, Map<String, Map<String, Set<String>>> series, List<String> problems) {
        Map<String, Set<String>> labels = selector.metric == null ? null : series.get(selector.metric);
        if (labels == null) {
            problems.add(where + ": no series is named '" + selector.metric + "'");
            return;
        }
        for (LabelMatcher matcher : selector.matchers) {
            Set<String> values = labels.get(matcher.label);
            if (values == null) {
                problems.add(where + ": " + selector.metric + " has no label '" + matcher.label + "' (it has "
                        + labels.keySet() + ")");
            } else if (CHECKED_VALUES.contains(matcher.label)
                    && !matcher.value.contains("$")
                    && (matcher.op.equals("=") || matcher.op.equals("=~"))) {
                for (String alternative : matcher.op.equals("=")
                        ? List.of(Pattern.quote(matcher.value))
                        : List.of(matcher.value.split("\\|"))) {
                    if (values.stream().noneMatch(v -> v.matches(alternative))) {
                        problems.add(where + ": " + selector.metric + " has no " + matcher.label + " matching '"
                                + alternative + "' (values " + values + ")");
                    }
                }
            }
        }
    }

    /** Series name to label name to values, as Prometheus stores them after the scrape's relabelling. */
    private static Map<String, Map<String, Set<String>>> scrapedSeries() throws Exception {
        Map<String, Map<String, Set<String>>> series = new TreeMap<>();
        for (ScrapeJob job : scrapeJobs()) {
            for (Target target : job.targets) {
                Service service = compose.services.get(target.host);
                List<Sample> reported = service == null
                        ? List.of()
                        : service.runs("jobmanager") ? ReportedSeries.jobManager() : ReportedSeries.taskManager(true);
                List<Sample> samples = new ArrayList<>();
                samples.add(new Sample("up", new LinkedHashMap<>()));
                samples.addAll(reported);
                for (Sample sample : samples) {
                    sample.labels.put("job", job.name);
                    sample.labels.put("instance", target.host + ":" + target.port);
                    Sample stored = job.relabel(sample);
                    Map<String, Set<String>> labels = series.computeIfAbsent(stored.name, n -> new TreeMap<>());
                    stored.labels.forEach((k, v) ->
                            labels.computeIfAbsent(k, l -> new TreeSet<>()).add(v));
                }
            }
        }
        return series;
    }

    private static List<Sample> relabeled(List<Sample> samples, String jobName) throws IOException {
        ScrapeJob job = scrapeJobs().stream()
                .filter(j -> j.name.equals(jobName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no scrape job " + jobName + " in " + prometheusConfig()));
        return samples.stream().map(job::relabel).collect(Collectors.toList());
    }

    /** Every expr of a dashboard's panels (rows' panels included) and label_values() of its variables. */
    private static Map<String, String> queries(Path file) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        dashboard.path("panels").forEach(row -> row.path("panels").forEach(panels::add));
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(
                        "panel '" + panel.path("title").asText() + "' query "
                                + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        Pattern labelValues = Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            Matcher m =
                    labelValues.matcher(query.isObject() ? query.path("query").asText() : query.asText());
            if (m.matches()) {
                // label_values(series, label) reads the label: select it with a matcher that must exist.
                String selector = m.group(1).contains("{")
                        ? m.group(1).replaceFirst("}\\s*$", ", " + m.group(2) + "=~\".*\"}")
                        : m.group(1) + "{" + m.group(2) + "=~\".*\"}";
                queries.put("variable '" + variable.path("name").asText() + "'", selector);
            }
        }
        return queries;
    }

    /** Datasource name to uid, of the Prometheus datasources pointing at the Prometheus service. */
    private static Map<String, String> datasourceUids(Path provisioning, List<String> problems) throws IOException {
        Map<String, String> uids = new LinkedHashMap<>();
        String expected = "http://" + prometheus.name + ":" + prometheusPort();
        for (Path file : yamlFiles(provisioning.resolve("datasources"))) {
            for (Object entry : list(map(ComposeFile.loadYaml(file)).get("datasources"))) {
                Map<String, Object> datasource = map(entry);
                if (!"prometheus".equals(datasource.get("type"))) {
                    continue;
                }
                String url = String.valueOf(datasource.get("url")).replaceFirst("/$", "");
                if (!url.equals(expected)) {
                    problems.add(ROOT.relativize(file) + " points datasource " + datasource.get("name") + " at " + url
                            + "; the Prometheus service is " + expected);
                }
                uids.put(String.valueOf(datasource.get("name")), String.valueOf(datasource.get("uid")));
            }
        }
        return uids;
    }

    /** The dashboard JSON files in the host folders behind the dashboard providers' paths. */
    private static List<Path> dashboardFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path file : yamlFiles(provisioningDir().resolve("dashboards"))) {
            for (Object entry : list(map(ComposeFile.loadYaml(file)).get("providers"))) {
                String path = String.valueOf(map(map(entry).get("options")).get("path"));
                Path dir = compose.hostPath(grafana, path)
                        .filter(Files::isDirectory)
                        .orElseThrow(() -> new AssertionError(ROOT.relativize(file) + " reads dashboards from '" + path
                                + "', which " + grafana + " does not mount from a folder of the repository"));
                try (Stream<Path> json = Files.list(dir)) {
                    json.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
                }
            }
        }
        return files;
    }

    private static Path provisioningDir() {
        String path = grafana.environment().getOrDefault("GF_PATHS_PROVISIONING", PROVISIONING_DEFAULT);
        return compose.hostPath(grafana, path)
                .filter(Files::isDirectory)
                .orElseThrow(() -> new AssertionError(
                        grafana + " does not mount its provisioning folder " + path + " from the repository"));
    }

    private static Optional<Path> hostFile(Service service, String containerPath) {
        return compose.hostPath(service, containerPath).filter(Files::isRegularFile);
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().matches(".*\\.ya?ml$"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static Path prometheusConfig() {
        Matcher m = Pattern.compile("--config\\.file=(\\S+)").matcher(prometheus.command());
        String path = m.find() ? m.group(1) : "/etc/prometheus/prometheus.yml";
        return hostFile(prometheus, path)
                .orElseThrow(() -> new AssertionError(
                        prometheus + " reads " + path + ", which it does not mount from the repository"));
    }

    private static int prometheusPort() {
        Matcher m = Pattern.compile("--web\\.listen-address=\\S*:(\\d+)").matcher(prometheus.command());
        return m.find() ? Integer.parseInt(m.group(1)) : 9090;
    }

    private static List<ScrapeJob> scrapeJobs() throws IOException {
        List<ScrapeJob> jobs = new ArrayList<>();
        for (Object entry : list(map(ComposeFile.loadYaml(prometheusConfig())).get("scrape_configs"))) {
            jobs.add(new ScrapeJob(map(entry)));
        }
        return jobs;
    }

    /** An address Prometheus scrapes: a static one, or a name DNS service discovery resolves. */
    private static final class Target {
        final String host;
        final int port;
        final boolean discovered;

        Target(String host, int port, boolean discovered) {
            this.host = host;
            this.port = port;
            this.discovered = discovered;
        }
    }

    /** One scrape_configs entry: its targets and its metric relabelling (the replace action). */
    private static final class ScrapeJob {
        final String name;
        final List<Target> targets = new ArrayList<>();
        private final List<Map<String, Object>> relabels = new ArrayList<>();

        ScrapeJob(Map<String, Object> config) {
            name = String.valueOf(config.get("job_name"));
            for (Object group : list(config.get("static_configs"))) {
                for (Object address : list(map(group).get("targets"))) {
                    URI uri = URI.create("http://" + address);
                    targets.add(new Target(uri.getHost(), uri.getPort(), false));
                }
            }
            for (Object dns : list(config.get("dns_sd_configs"))) {
                Map<String, Object> sd = map(dns);
                assertThat(sd.get("type")).as("dns_sd_configs type of %s", name).isEqualTo("A");
                for (Object host : list(sd.get("names"))) {
                    targets.add(
                            new Target(String.valueOf(host), Integer.parseInt(String.valueOf(sd.get("port"))), true));
                }
            }
            list(config.get("metric_relabel_configs")).forEach(r -> relabels.add(map(r)));
        }

        /** The sample as Prometheus stores it: Prometheus's replace action, the only one used here. */
        Sample relabel(Sample sample) {
            Map<String, String> labels = new LinkedHashMap<>(sample.labels);
            labels.put("__name__", sample.name);
            for (Map<String, Object> rule : relabels) {
                assertThat(rule.getOrDefault("action", "replace"))
                        .as("metric_relabel_configs action in %s (the test knows replace only)", name)
                        .isEqualTo("replace");
                String value = list(rule.get("source_labels")).stream()
                        .map(l -> labels.getOrDefault(String.valueOf(l), ""))
                        .collect(Collectors.joining(String.valueOf(rule.getOrDefault("separator", ";"))));
                Matcher m = Pattern.compile("^(?:" + rule.getOrDefault("regex", "(.*)") + ")$")
                        .matcher(value);
                if (m.matches()) {
                    String result = m.replaceFirst(String.valueOf(rule.getOrDefault("replacement", "$1"))
                            .replaceAll("\\$\\{(\\w+)}", "\\$$1"));
                    String target = String.valueOf(rule.get("target_label"));
                    if (result.isEmpty()) {
                        labels.remove(target);
                    } else {
                        labels.put(target, result);
                    }
                }
            }
            String name = labels.remove("__name__");
            return new Sample(name, labels);
        }
    }
}
