package io.inferstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.deploy.ComposeFile.Mount;
import io.inferstream.deploy.ComposeFile.Service;
import io.inferstream.flink.KafkaIO;
import io.inferstream.flink.PreparedJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks docker-compose.yml without Docker: pinned images of the pom's versions, mounted paths that
 * exist (or that `package` builds), job submissions the jobs accept, the jobs' topics, Flink
 * settings ONNX Runtime needs, the Prometheus reporter in every Flink process and the monitoring
 * profile. Each problem names the service and the value. MonitoringStackTest checks the
 * monitoring configuration the profile mounts.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    // An optional leading v: Prometheus tags its images v3.9.0.
    private static final Pattern VERSION_TAG = Pattern.compile("v?\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9_.]+)*");
    private static final String PARENT_FIRST = "classloader.parent-first-patterns.additional";
    private static final String PROMETHEUS_REPORTER = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    private static final List<String> MONITORING_IMAGES = List.of("prom/prometheus", "grafana/grafana");

    private static ComposeFile compose;
    private static PomFacts pom;
    private static Path jobJar;
    private static Path onnxRuntimeJar;

    @BeforeAll
    static void load() throws Exception {
        compose = ComposeFile.load(ROOT.resolve("docker-compose.yml"));
        pom = PomFacts.load(ROOT.resolve("pom.xml"));
        jobJar = ROOT.resolve(pom.shadedJar());
        String onnxRuntime = pom.property("onnxruntime.version");
        assertThat(pom.dependencyVersion("com.microsoft.onnxruntime", "onnxruntime"))
                .as("the pom's ONNX Runtime dependency")
                .isEqualTo(onnxRuntime);
        onnxRuntimeJar = ROOT.resolve("target/flink-lib/onnxruntime-" + onnxRuntime + ".jar");
    }

    @Test
    void shouldPinEveryImageToAnExactVersionTag() {
        List<String> problems = new ArrayList<>();
        for (Service service : compose.services.values()) {
            String image = service.image().orElse(null);
            String tag = tag(service);
            if (image == null) {
                problems.add(service + " has no image");
            } else if (tag == null || !VERSION_TAG.matcher(tag).matches() || tag.contains("latest")) {
                problems.add(
                        service + " image '" + image + "' is not pinned to an exact version tag (x.y.z[-variant])");
            }
        }
        assertThat(problems).as("images in docker-compose.yml").isEmpty();
    }

    @Test
    void shouldRunTheFlinkAndKafkaVersionsOfThePom() {
        String flink = pom.property("flink.version");
        String java = pom.property("maven.compiler.release");
        String kafka = pom.property("kafka.version");
        List<String> problems = new ArrayList<>();
        for (Service service : compose.services.values()) {
            String tag = String.valueOf(tag(service));
            if (service.isFlink() && !tag.matches(Pattern.quote(flink) + "(-scala_[0-9.]+)?-java" + java)) {
                problems.add(service + " runs '" + service.image().orElse("") + "'; the pom builds for Flink " + flink
                        + " on Java " + java + ": expected flink:" + flink + "-java" + java);
            }
            if (service.imageRepository().equals("apache/kafka") && !tag.equals(kafka)) {
                problems.add(
                        service + " runs '" + service.image().orElse("") + "'; the pom's kafka.version is " + kafka);
            }
        }
        assertThat(problems).as("image versions against pom.xml").isEmpty();
        assertThat(flinkServices()).as("services on the flink image").isNotEmpty();
        assertThat(compose.services.values().stream()
                        .filter(s -> s.imageRepository().equals("apache/kafka")))
                .as("services on the apache/kafka image")
                .isNotEmpty();
    }

    @Test
    void shouldMountOnlyRepositoryFilesReadOnlyAndThePackagedJars() {
        List<String> problems = new ArrayList<>();
        for (Service service : compose.services.values()) {
            for (Mount mount : service.mounts()) {
                if (!mount.bind) {
                    if (!compose.namedVolumes.contains(mount.source)) {
                        problems.add(service + " mounts volume '" + mount.source + "', not declared under volumes:");
                    }
                    continue;
                }
                Path host = mount.hostPath(compose.directory, mount.target);
                boolean built = host.equals(jobJar) || host.equals(onnxRuntimeJar);
                if (!host.startsWith(ROOT)) {
                    problems.add(service + " mounts '" + mount.source + "', outside the repository");
                } else if (!built && host.startsWith(ROOT.resolve("target"))) {
                    problems.add(
                            service + " mounts '" + mount.source + "', under target/ but not a jar `package` builds ("
                                    + ROOT.relativize(jobJar) + ", " + ROOT.relativize(onnxRuntimeJar) + ")");
                } else if (!built && !Files.exists(host)) {
                    problems.add(service + " mounts '" + mount.source + "', which does not exist in the repository");
                }
                if (!mount.readOnly) {
                    problems.add(service + " mounts '" + mount + "' writable; repository files must be read-only");
                }
            }
        }
        assertThat(problems).as("mounts in docker-compose.yml").isEmpty();
    }

    @Test
    void shouldLoadOnnxRuntimeParentFirstFromFlinksLibInEveryFlinkProcess() {
        List<String> problems = new ArrayList<>();
        String libJar = "/opt/flink/lib/" + onnxRuntimeJar.getFileName();
        for (Service service : clusterServices()) {
            String patterns = service.flinkProperties().get(PARENT_FIRST);
            if (patterns == null || !List.of(patterns.split(";")).contains("ai.onnxruntime")) {
                problems.add(service + " sets " + PARENT_FIRST + " to '" + patterns
                        + "'; expected it to hold ai.onnxruntime");
            }
        }
        // The clients load ONNX Runtime too: they check the model before submitting.
        List<Service> processes = new ArrayList<>(clusterServices());
        processes.addAll(clients());
        for (Service service : processes) {
            Optional<Path> host = hostPath(service, libJar);
            if (host.isEmpty() || !host.get().equals(onnxRuntimeJar)) {
                problems.add(service + " has " + host.map(ROOT::relativize).orElse(null) + " at " + libJar
                        + "; expected " + ROOT.relativize(onnxRuntimeJar));
            }
        }
        assertThat(problems).as("ONNX Runtime in Flink's lib/").isEmpty();
        assertThat(services("jobmanager")).as("jobmanager services").isNotEmpty();
        assertThat(services("taskmanager")).as("taskmanager services").isNotEmpty();
    }

    @Test
    void shouldStartPrometheusAndGrafanaOnlyUnderTheMonitoringProfile() {
        List<String> problems = new ArrayList<>();
        for (String image : MONITORING_IMAGES) {
            List<Service> services = compose.servicesOn(image);
            if (services.isEmpty()) {
                problems.add("no service runs " + image);
            }
            for (Service service : services) {
                if (!service.profiles().equals(List.of("monitoring"))) {
                    problems.add(service + " has profiles " + service.profiles() + "; expected [monitoring]");
                }
            }
        }
        for (Service service : compose.services.values()) {
            if (service.profiles().contains("monitoring") && !MONITORING_IMAGES.contains(service.imageRepository())) {
                problems.add(service + " runs " + service.image().orElse("no image") + " under the monitoring profile");
            }
        }
        assertThat(problems).as("the monitoring profile").isEmpty();
    }

    @Test
    void shouldEnableThePrometheusReporterOnOnePortInEveryFlinkProcess() {
        List<String> problems = new ArrayList<>();
        for (Service service : clusterServices()) {
            Map<String, String> flink = service.flinkProperties();
            if (!PROMETHEUS_REPORTER.equals(flink.get("metrics.reporter.prom.factory.class"))) {
                problems.add(service + " sets metrics.reporter.prom.factory.class to '"
                        + flink.get("metrics.reporter.prom.factory.class") + "'; expected " + PROMETHEUS_REPORTER);
            }
            // One process a container: a port range would leave Prometheus guessing which port it took.
            if (!flink.getOrDefault("metrics.reporter.prom.port", "").matches("\\d+")) {
                problems.add(service + " sets metrics.reporter.prom.port to '" + flink.get("metrics.reporter.prom.port")
                        + "'; expected one port");
            }
        }
        assertThat(problems).as("Prometheus reporters").isEmpty();
    }

    @Test
    void shouldShareOneCheckpointVolumeBetweenJobManagerAndTaskManagers() {
        List<String> problems = new ArrayList<>();
        for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")) {
            List<String> volumes = new ArrayList<>();
            for (Service service : clusterServices()) {
                String uri = service.flinkProperties().getOrDefault(key, "");
                Optional<Mount> mount = uri.startsWith("file://")
                        ? service.mountHolding(uri.substring("file://".length()))
                        : Optional.empty();
                if (mount.isEmpty() || mount.get().bind) {
                    problems.add(service + " sets " + key + " to '" + uri + "', not a file:// path in a named volume");
                } else {
                    volumes.add(mount.get().source);
                }
            }
            if (new TreeSet<>(volumes).size() > 1) {
                problems.add(key + " lies in different volumes " + volumes + "; all processes must share one");
            }
        }
        assertThat(problems).as("checkpoint storage").isEmpty();
    }

    @Test
    void shouldConfigureTheBrokerForOneNodeAndExactlyOnceSinks() {
        Service kafka = broker();
        Map<String, String> env = kafka.environment();
        List<String> problems = new ArrayList<>();
        for (String key : List.of(
                "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
                "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR",
                "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR")) {
            if (!"1".equals(env.get(key))) {
                problems.add(kafka + " sets " + key + "=" + env.get(key) + "; a single node needs 1");
            }
        }
        if (!"false".equals(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"))) {
            problems.add(kafka + " sets KAFKA_AUTO_CREATE_TOPICS_ENABLE=" + env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")
                    + "; expected false");
        }
        String maxTimeout = env.getOrDefault("KAFKA_TRANSACTION_MAX_TIMEOUT_MS", "900000");
        if (!maxTimeout.matches("\\d+") || Long.parseLong(maxTimeout) < KafkaIO.TRANSACTION_TIMEOUT_MS) {
            problems.add(kafka + " sets KAFKA_TRANSACTION_MAX_TIMEOUT_MS=" + maxTimeout
                    + "; the jobs' sinks use transaction.timeout.ms=" + KafkaIO.TRANSACTION_TIMEOUT_MS);
        }
        if (!kafka.hasHealthcheck()) {
            problems.add(kafka + " has no healthcheck; the topic service waits for it to be healthy");
        }
        if (!advertised(kafka).contains("localhost:9092")) {
            problems.add(
                    kafka + " advertises " + advertised(kafka) + "; expected localhost:9092 for clients on the host");
        }
        assertThat(problems).as("the Kafka broker").isEmpty();
    }

    @Test
    void shouldCreateExactlyTheTopicsOfTheJobConfigurations() throws IOException {
        List<Service> topicServices = compose.services.values().stream()
                .filter(s ->
                        s.command().contains("kafka-topics.sh") && s.command().contains("--create"))
                .collect(Collectors.toList());
        assertThat(topicServices).as("services creating topics").hasSize(1);
        Service topics = topicServices.get(0);

        TreeSet<String> expected = new TreeSet<>();
        TreeSet<String> control = new TreeSet<>();
        TreeSet<String> partitions = new TreeSet<>();
        for (Path file : jobConfigFiles()) {
            // The topics the job uses with this file: the file's own, else the code's defaults.
            String job = file.getFileName().toString().replaceFirst("\\.yaml$", "");
            PreparedJob prepared = PreparedJob.load(job, file, Map.of("kafka.bootstrap", internalBootstrap()));
            expected.addAll(List.of(
                    prepared.settings.inputTopic, prepared.settings.outputTopic, prepared.settings.deadLetterTopic));
            partitions.add(String.valueOf(prepared.settings.topicPartitions));
            if (prepared.modelUpdates.enabled) {
                control.add(prepared.modelUpdates.topic);
                control.add(prepared.modelUpdates.statusTopic);
            }
        }
        List<String> created =
                List.of(topics.environment().getOrDefault("TOPICS", "").trim().split("\\s+"));

        assertThat(created)
                .as("%s TOPICS against the input, output and dlq topics of jobs/*.yaml", topics)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(topics.environment().get("PARTITIONS"))
                .as("%s PARTITIONS against topics.partitions of jobs/*.yaml", topics)
                .isIn(partitions);
        assertThat(topics.command())
                .as("%s command", topics)
                .contains("$$TOPICS", "--if-not-exists", "$$PARTITIONS", "--bootstrap-server " + internalBootstrap());
        assertThat(List.of(topics.environment()
                        .getOrDefault("CONTROL_TOPICS", "")
                        .trim()
                        .split("\\s+")))
                .as("%s CONTROL_TOPICS against the model-updates topics of jobs/*.yaml", topics)
                .containsExactlyInAnyOrderElementsOf(control);
        assertThat(topics.command())
                .as("%s command: control topics with one partition", topics)
                .contains("for topic in $$CONTROL_TOPICS", "--partitions 1");
        assertThat(topics.dependsOn()).as("%s depends_on", topics).containsEntry(broker().name, "service_healthy");
    }

    @Test
    void shouldSubmitEachJobOnceWithItsConfigurationAndAModelEveryFlinkProcessSees() {
        Service topics = compose.services.values().stream()
                .filter(s -> s.command().contains("kafka-topics.sh"))
                .findFirst()
                .orElseThrow();
        List<String> problems = new ArrayList<>();
        List<String> submitted = new ArrayList<>();
        for (Service service : clients()) {
            FlinkRunCommand run = FlinkRunCommand.find(service.command()).orElseThrow();
            submitted.add(run.job);
            checkSubmission(service, run, problems);
            if (!"service_completed_successfully".equals(service.dependsOn().get(topics.name))) {
                problems.add(service + " does not wait for " + topics + " to complete successfully");
            }
            for (Service jobManager : services("jobmanager")) {
                if (!jobManager.hasHealthcheck()
                        || !"service_healthy".equals(service.dependsOn().get(jobManager.name))) {
                    problems.add(service + " does not wait for " + jobManager + " to be healthy (with a healthcheck)");
                }
            }
        }
        assertThat(problems).as("job submissions").isEmpty();
        assertThat(submitted).as("jobs submitted").containsExactlyInAnyOrderElementsOf(PreparedJob.JOBS);
    }

    private void checkSubmission(Service service, FlinkRunCommand run, List<String> problems) {
        String where = service + " runs job '" + run.job + "'";
        if (!run.clientOptions.containsKey("-d")) {
            problems.add(where + " without -d: the client would wait for an unbounded job");
        }
        String jobManagerAddress = run.clientOptions.getOrDefault("-m", "");
        if (services("jobmanager").stream().noneMatch(jm -> jobManagerAddress.equals(jm.name + ":8081"))) {
            problems.add(
                    where + " with -m '" + jobManagerAddress + "'; expected a jobmanager service's name and :8081");
        }
        if (!run.unexpected.isEmpty()) {
            problems.add(where + " with arguments JobMain does not take: " + run.unexpected);
        }
        if (!hostPath(service, run.jar).map(jobJar::equals).orElse(false)) {
            problems.add(where + " from '" + run.jar + "', which is not the mounted " + ROOT.relativize(jobJar));
        }
        if (!PreparedJob.JOBS.contains(run.job)) {
            problems.add(where + ", not one of " + PreparedJob.JOBS);
            return;
        }
        Path expectedConfig = ROOT.resolve(PreparedJob.defaultConfigFile(run.job));
        String config = run.config != null
                ? run.config
                : PreparedJob.defaultConfigFile(run.job).toString();
        String containerConfig =
                config.startsWith("/") ? config : service.workingDir().orElse("(no working_dir)") + "/" + config;
        Optional<Path> hostConfig = hostPath(service, containerConfig);
        if (hostConfig.isEmpty() || !hostConfig.get().equals(expectedConfig) || !Files.isRegularFile(expectedConfig)) {
            problems.add(where + " with --config '" + config + "' (" + hostConfig.orElse(null)
                    + " on the host); expected " + ROOT.relativize(expectedConfig));
            return;
        }
        if (!internalBootstrap().equals(run.bootstrap)) {
            problems.add(where + " with --bootstrap '" + run.bootstrap + "'; expected the broker's internal listener "
                    + internalBootstrap());
        }
        String model = run.settings.get("model.path");
        Optional<Path> hostModel = checkModel(where, model, service, problems);
        if (hostModel.isEmpty()) {
            return;
        }
        Map<String, Object> overrides = new LinkedHashMap<>(run.settings);
        overrides.put("kafka.bootstrap", run.bootstrap);
        overrides.put("model.path", hostModel.get().toString());
        try {
            PreparedJob.load(run.job, expectedConfig, overrides);
        } catch (RuntimeException e) {
            problems.add(where + " with settings the job refuses: " + e.getMessage());
        }
    }

    /** The model must be an absolute path to the same file under models/ in the client and every Flink process. */
    private Optional<Path> checkModel(String where, String model, Service client, List<String> problems) {
        if (model == null || !model.startsWith("/")) {
            problems.add(where + " with model.path '" + model + "'; expected an absolute path (--set model.path=/...)");
            return Optional.empty();
        }
        Optional<Path> inClient = hostPath(client, model);
        if (inClient.isEmpty()
                || !inClient.get().startsWith(ROOT.resolve("models"))
                || !Files.isRegularFile(inClient.get())) {
            problems.add(where + " with model.path '" + model + "', which is no file under models/ ("
                    + inClient.orElse(null) + ")");
            return Optional.empty();
        }
        for (Service process : clusterServices()) {
            if (!hostPath(process, model).equals(inClient)) {
                problems.add(where + " with model.path '" + model + "', which " + process + " does not mount from "
                        + ROOT.relativize(inClient.get()));
            }
        }
        return inClient;
    }

    private static Optional<Path> hostPath(Service service, String containerPath) {
        return compose.hostPath(service, containerPath);
    }

    private static String tag(Service service) {
        String image = service.image().orElse("").replaceFirst("@.*$", "");
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : null;
    }

    private static List<Service> flinkServices() {
        return compose.services.values().stream().filter(Service::isFlink).collect(Collectors.toList());
    }

    private static List<Service> services(String flinkProcess) {
        return compose.services.values().stream()
                .filter(s -> s.runs(flinkProcess))
                .collect(Collectors.toList());
    }

    /** Services that submit a job with `flink run`. */
    private static List<Service> clients() {
        return flinkServices().stream()
                .filter(s -> FlinkRunCommand.find(s.command()).isPresent())
                .collect(Collectors.toList());
    }

    private static List<Service> clusterServices() {
        return Stream.concat(services("jobmanager").stream(), services("taskmanager").stream())
                .collect(Collectors.toList());
    }

    private static Service broker() {
        List<Service> brokers = compose.services.values().stream()
                .filter(s -> s.environment().containsKey("KAFKA_PROCESS_ROLES"))
                .collect(Collectors.toList());
        assertThat(brokers).as("Kafka broker services").hasSize(1);
        return brokers.get(0);
    }

    /** host:port of each advertised listener. */
    private static List<String> advertised(Service kafka) {
        List<String> addresses = new ArrayList<>();
        Matcher m = Pattern.compile("://([^,\\s]+)")
                .matcher(kafka.environment().getOrDefault("KAFKA_ADVERTISED_LISTENERS", ""));
        while (m.find()) {
            addresses.add(m.group(1));
        }
        return addresses;
    }

    /** The advertised listener the other containers reach: the one named by the broker's service name. */
    private static String internalBootstrap() {
        Service kafka = broker();
        return advertised(kafka).stream()
                .filter(address -> address.startsWith(kafka.name + ":"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        kafka + " advertises no listener at its service name: " + advertised(kafka)));
    }

    private static List<Path> jobConfigFiles() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("jobs"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
    }
}
