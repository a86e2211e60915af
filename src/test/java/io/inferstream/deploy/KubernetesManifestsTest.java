package io.inferstream.deploy;

import static io.inferstream.deploy.ComposeFile.list;
import static io.inferstream.deploy.ComposeFile.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.flink.PreparedJob;
import io.inferstream.local.FlinkJvmOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks deploy/kubernetes without a Kubernetes cluster, as ComposeFileTest checks
 * docker-compose.yml: one FlinkDeployment per job in application mode on the pom's Flink version,
 * an image built from the official Flink image with ONNX Runtime in Flink's lib/ and the job jar
 * where job.jarURI points, job arguments the job accepts, checkpoints, savepoints and HA metadata on
 * a shared claim, and the Prometheus reporter on the pods' metrics port. Each problem names the
 * manifest and the value.
 */
class KubernetesManifestsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path DIR = ROOT.resolve("deploy/kubernetes");
    private static final String MAIN_CONTAINER = "flink-main-container";
    private static final String PARENT_FIRST = "classloader.parent-first-patterns.additional";
    private static final String PROMETHEUS_REPORTER = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([^}]+)}");
    private static final Pattern LOCAL_URI = Pattern.compile("local://(/.+)");

    private static PomFacts pom;
    private static Dockerfile image;
    private static List<String> kustomized;
    private static List<Map<String, Object>> resources;

    @BeforeAll
    static void load() throws Exception {
        pom = PomFacts.load(ROOT.resolve("pom.xml"));
        image = Dockerfile.load(DIR.resolve("Dockerfile"), ROOT);
        kustomized = list(map(ComposeFile.loadYaml(DIR.resolve("kustomization.yaml")))
                        .get("resources"))
                .stream()
                .map(String::valueOf)
                .collect(Collectors.toList());
        resources = new ArrayList<>();
        for (String file : kustomized) {
            try (Reader reader = Files.newBufferedReader(DIR.resolve(file), StandardCharsets.UTF_8)) {
                for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                    if (document != null) {
                        Map<String, Object> resource = map(document);
                        resource.put("(file)", file);
                        resources.add(resource);
                    }
                }
            }
        }
    }

    @Test
    void shouldApplyEveryManifestOfTheFolder() throws IOException {
        Set<String> manifests;
        try (Stream<Path> files = Files.list(DIR)) {
            manifests = files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(kustomized)
                .as("resources of deploy/kubernetes/kustomization.yaml")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(manifests);
    }

    @Test
    void shouldDeployEachJobOnceInApplicationModeOnThePomsFlinkVersion() {
        String[] flink = pom.property("flink.version").split("\\.");
        String flinkVersion = "v" + flink[0] + "_" + flink[1];
        List<String> problems = new ArrayList<>();
        List<String> jobs = new ArrayList<>();
        for (Map<String, Object> deployment : deployments()) {
            String where = where(deployment);
            Map<String, Object> spec = map(deployment.get("spec"));
            Map<String, Object> job = map(spec.get("job"));
            List<String> args = args(deployment);
            jobs.add(args.isEmpty() ? null : args.get(0));
            expect(problems, where, "apiVersion", deployment.get("apiVersion"), "flink.apache.org/v1beta1");
            expect(problems, where, "spec.flinkVersion", spec.get("flinkVersion"), flinkVersion);
            expect(problems, where, "metadata.name", name(deployment), args.isEmpty() ? "(no args)" : args.get(0));
            expect(problems, where, "spec.job.entryClass", job.get("entryClass"), pom.shadedJarMainClass());
            // savepoint: an upgrade keeps every key's RNN state and the Kafka offsets.
            expect(problems, where, "spec.job.upgradeMode", job.get("upgradeMode"), "savepoint");
            expect(problems, where, "spec.job.state", job.get("state"), "running");
            if (spec.get("mode") != null && !"native".equals(spec.get("mode"))) {
                problems.add(where + " sets spec.mode '" + spec.get("mode") + "'; expected native (the default)");
            }
            if (String.valueOf(spec.getOrDefault("serviceAccount", "")).isBlank()) {
                problems.add(where + " names no spec.serviceAccount; the operator's pods need one");
            }
            for (String role : List.of("jobManager", "taskManager")) {
                if (map(spec.get(role)).containsKey("podTemplate")) {
                    problems.add(where + " has a " + role + ".podTemplate; the JobManager and the TaskManagers"
                            + " should share spec.podTemplate, so they mount the same volumes");
                }
            }
        }
        assertThat(problems).as("FlinkDeployments").isEmpty();
        assertThat(jobs).as("jobs deployed").containsExactlyInAnyOrderElementsOf(PreparedJob.JOBS);
    }

    @Test
    void shouldRunAnImageOfTheOfficialFlinkImageWithOnnxRuntimeInLibAndTheJobJar() throws IOException {
        String flink = pom.property("flink.version");
        String java = pom.property("maven.compiler.release");
        assertThat(image.baseImage)
                .as("FROM of deploy/kubernetes/Dockerfile (the pom builds for Flink %s on Java %s)", flink, java)
                .matches("flink:" + Pattern.quote(flink) + "(-scala_[0-9.]+)?-java" + java);

        String onnxRuntime = pom.property("onnxruntime.version");
        assertThat(pom.dependencyVersion("com.microsoft.onnxruntime", "onnxruntime"))
                .as("the pom's ONNX Runtime dependency")
                .isEqualTo(onnxRuntime);
        Path onnxRuntimeJar = ROOT.resolve("target/flink-lib/onnxruntime-" + onnxRuntime + ".jar");
        String libJar = "/opt/flink/lib/" + onnxRuntimeJar.getFileName();
        assertThat(image.contextPath(libJar))
                .as("what the image holds at %s", libJar)
                .contains(onnxRuntimeJar);

        Path jobJar = ROOT.resolve(pom.shadedJar());
        String expectedImage = "inferstream-flink:" + pom.property("project.version");
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : deployments()) {
            String where = where(deployment);
            Map<String, Object> spec = map(deployment.get("spec"));
            expect(problems, where, "spec.image", spec.get("image"), expectedImage);
            String jarUri = String.valueOf(map(spec.get("job")).get("jarURI"));
            Matcher local = LOCAL_URI.matcher(jarUri);
            if (!local.matches()) {
                problems.add(where + " has job.jarURI '" + jarUri + "'; expected local:///... inside the image");
            } else if (!image.contextPath(local.group(1)).map(jobJar::equals).orElse(false)) {
                problems.add(where + " has job.jarURI '" + jarUri + "', where the image holds "
                        + image.contextPath(local.group(1))
                                .map(ROOT::relativize)
                                .orElse(null) + "; expected "
                        + ROOT.relativize(jobJar));
            }
        }
        // The build context is the repository root: each file the image copies must be sent.
        for (Dockerfile.Copy copy : image.copies) {
            if (!Dockerfile.sentWith(DIR.resolve("Dockerfile.dockerignore"), copy.source)) {
                problems.add("Dockerfile.dockerignore leaves out " + copy.source + ", which " + copy + " needs");
            }
        }
        assertThat(problems).as("the image").isEmpty();
    }

    @Test
    void shouldLoadOnnxRuntimeParentFirstAndKeepFlinksJavaOptions() {
        List<String> opens = FlinkJvmOptions.java17();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : deployments()) {
            Map<String, String> flink = flinkConfiguration(deployment);
            String patterns = flink.get(PARENT_FIRST);
            if (patterns == null || !List.of(patterns.split(";")).contains("ai.onnxruntime")) {
                problems.add(where(deployment) + " sets " + PARENT_FIRST + " to '" + patterns
                        + "'; expected it to hold ai.onnxruntime");
            }
            // The operator's default configuration supplies Flink's add-opens list for Java 17 as
            // env.java.default-opts.all; a deployment that sets the key replaces that list.
            String defaults = flink.get("env.java.default-opts.all");
            if (defaults != null) {
                List<String> given = List.of(defaults.trim().split("\\s+"));
                List<String> missing =
                        opens.stream().filter(o -> !given.contains(o)).collect(Collectors.toList());
                if (!missing.isEmpty()) {
                    problems.add(where(deployment) + " sets env.java.default-opts.all without " + missing + " ("
                            + FlinkJvmOptions.RESOURCE + ")");
                }
            }
        }
        assertThat(problems).as("ONNX Runtime and Java options").isEmpty();
    }

    @Test
    void shouldEnableThePrometheusReporterOnThePodsMetricsPort() throws IOException {
        String composePort = ComposeFile.load(ROOT.resolve("docker-compose.yml"))
                .services
                .get("taskmanager")
                .flinkProperties()
                .get("metrics.reporter.prom.port");
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : deployments()) {
            String where = where(deployment);
            Map<String, String> flink = flinkConfiguration(deployment);
            expect(
                    problems,
                    where,
                    "metrics.reporter.prom.factory.class",
                    flink.get("metrics.reporter.prom.factory.class"),
                    PROMETHEUS_REPORTER);
            // The port docker-compose.yml and deploy/monitoring/prometheus.yml scrape.
            String port = flink.get("metrics.reporter.prom.port");
            expect(problems, where, "metrics.reporter.prom.port", port, composePort);
            Map<String, Object> podTemplate = map(map(deployment.get("spec")).get("podTemplate"));
            expect(
                    problems,
                    where,
                    "the prometheus.io/port annotation",
                    map(map(podTemplate.get("metadata")).get("annotations")).get("prometheus.io/port"),
                    port);
            Object containerPort = list(mainContainer(deployment).get("ports")).stream()
                    .map(ComposeFile::map)
                    .filter(p -> "metrics".equals(p.get("name")))
                    .map(p -> p.get("containerPort"))
                    .findFirst()
                    .orElse(null);
            expect(problems, where, "the container port named metrics", containerPort, port);
        }
        assertThat(problems).as("Prometheus reporters").isEmpty();
    }

    @Test
    void shouldKeepCheckpointsSavepointsAndHaMetadataOnAClaimEveryPodMounts() {
        Set<String> claims = resources.stream()
                .filter(r -> "PersistentVolumeClaim".equals(r.get("kind")))
                .filter(r -> list(map(r.get("spec")).get("accessModes")).contains("ReadWriteMany"))
                .map(KubernetesManifestsTest::name)
                .collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        Map<String, String> owners = new LinkedHashMap<>();
        for (Map<String, Object> deployment : deployments()) {
            String where = where(deployment);
            Map<String, String> flink = flinkConfiguration(deployment);
            for (String key : List.of(
                    "execution.checkpointing.dir",
                    "execution.checkpointing.savepoint-dir",
                    "high-availability.storageDir")) {
                String uri = flink.getOrDefault(key, "");
                Optional<String> claim = uri.startsWith("file://")
                        ? claimHolding(deployment, uri.substring("file://".length()))
                        : Optional.empty();
                if (claim.isEmpty() || !claims.contains(claim.get())) {
                    problems.add(where + " sets " + key + " to '" + uri + "', not a file:// path on a mounted"
                            + " ReadWriteMany claim of the manifests " + claims);
                }
                String owner = owners.putIfAbsent(uri, where);
                if (owner != null) {
                    problems.add(where + " shares " + key + " '" + uri + "' with " + owner);
                }
            }
            expect(problems, where, "high-availability.type", flink.get("high-availability.type"), "kubernetes");
        }
        assertThat(problems).as("checkpoint storage").isEmpty();
    }

    @Test
    void shouldStartEachJobWithArgumentsItAcceptsAndTheTopicsOfItsConfiguration() {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : deployments()) {
            String where = where(deployment);
            FlinkRunCommand run = FlinkRunCommand.jobArguments(args(deployment));
            if (!run.unexpected.isEmpty()) {
                problems.add(where + " passes arguments this test does not read: " + run.unexpected);
            }
            if (!PreparedJob.JOBS.contains(run.job)) {
                problems.add(where + " runs job '" + run.job + "', not one of " + PreparedJob.JOBS);
                continue;
            }
            Path expectedConfig = ROOT.resolve(PreparedJob.defaultConfigFile(run.job));
            Optional<Path> config = run.config == null ? Optional.empty() : image.contextPath(run.config);
            if (!config.equals(Optional.of(expectedConfig))) {
                problems.add(where + " has --config '" + run.config + "', which the image holds from "
                        + config.orElse(null) + "; expected " + ROOT.relativize(expectedConfig));
                continue;
            }
            String model = run.settings.get("model.path");
            Optional<Path> hostModel =
                    model != null && model.startsWith("/") ? image.contextPath(model) : Optional.empty();
            if (hostModel.isEmpty()
                    || !hostModel.get().startsWith(ROOT.resolve("models"))
                    || !Files.isRegularFile(hostModel.get())) {
                problems.add(where + " has model.path '" + model + "'; expected an absolute path the image holds"
                        + " from a file under models/");
                continue;
            }
            // Topics stay those of jobs/*.yaml, which docker-compose.yml creates too; the JobManager
            // creates them here, there being no topic service.
            for (String key : run.settings.keySet()) {
                if (key.startsWith("topics.") && !key.equals("topics.create")) {
                    problems.add(where + " overrides " + key + "; the topics should be those of "
                            + ROOT.relativize(expectedConfig));
                }
            }
            expect(problems, where, "--set topics.create", run.settings.get("topics.create"), "true");
            Object parallelism = map(map(deployment.get("spec")).get("job")).get("parallelism");
            expect(
                    problems,
                    where,
                    "--set parallelism (the job's own, which wins)",
                    run.settings.get("parallelism"),
                    String.valueOf(parallelism));

            Map<String, Object> overrides = new LinkedHashMap<>(run.settings);
            overrides.put("kafka.bootstrap", resolveEnvironment(deployment, run.bootstrap, problems));
            overrides.put("model.path", hostModel.get().toString());
            try {
                PreparedJob.load(run.job, expectedConfig, overrides);
            } catch (RuntimeException e) {
                problems.add(where + " with settings the job refuses: " + e.getMessage());
            }
        }
        assertThat(problems).as("job arguments").isEmpty();
    }

    /** A value with each ${env:NAME} replaced from a ConfigMap the main container takes its environment from. */
    private static String resolveEnvironment(Map<String, Object> deployment, String value, List<String> problems) {
        if (value == null) {
            problems.add(where(deployment) + " passes no --bootstrap");
            return null;
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object source : list(mainContainer(deployment).get("envFrom"))) {
            String configMap =
                    String.valueOf(map(map(source).get("configMapRef")).get("name"));
            resources.stream()
                    .filter(r -> "ConfigMap".equals(r.get("kind")) && configMap.equals(name(r)))
                    .forEach(r -> map(r.get("data")).forEach((k, v) -> environment.put(k, String.valueOf(v))));
        }
        Matcher reference = ENV_REFERENCE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (reference.find()) {
            String name = reference.group(1);
            if (!environment.containsKey(name)) {
                problems.add(where(deployment) + " refers to ${env:" + name + "}, which no ConfigMap of its"
                        + " container's envFrom sets " + environment.keySet());
            }
            reference.appendReplacement(resolved, Matcher.quoteReplacement(environment.getOrDefault(name, "")));
        }
        return reference.appendTail(resolved).toString();
    }

    /** The claim of the main container's volume mount that holds a path, if any. */
    private static Optional<String> claimHolding(Map<String, Object> deployment, String path) {
        Map<String, Object> podSpec =
                map(map(map(deployment.get("spec")).get("podTemplate")).get("spec"));
        String bestVolume = null;
        int bestLength = -1;
        for (Object raw : list(mainContainer(deployment).get("volumeMounts"))) {
            Map<String, Object> mount = map(raw);
            String mountPath = String.valueOf(mount.get("mountPath")).replaceFirst("/$", "");
            if ((path.equals(mountPath) || path.startsWith(mountPath + "/")) && mountPath.length() > bestLength) {
                bestVolume = String.valueOf(mount.get("name"));
                bestLength = mountPath.length();
            }
        }
        String volumeName = bestVolume;
        return list(podSpec.get("volumes")).stream()
                .map(ComposeFile::map)
                .filter(v -> String.valueOf(v.get("name")).equals(volumeName))
                .map(v -> map(v.get("persistentVolumeClaim")).get("claimName"))
                .filter(claim -> claim != null)
                .map(String::valueOf)
                .findFirst();
    }

    private static Map<String, Object> mainContainer(Map<String, Object> deployment) {
        Map<String, Object> podSpec =
                map(map(map(deployment.get("spec")).get("podTemplate")).get("spec"));
        return list(podSpec.get("containers")).stream()
                .map(ComposeFile::map)
                .filter(c -> MAIN_CONTAINER.equals(c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(where(deployment) + " has no container " + MAIN_CONTAINER
                        + " in spec.podTemplate; the operator merges its settings into that one"));
    }

    private static Map<String, String> flinkConfiguration(Map<String, Object> deployment) {
        Map<String, String> flink = new LinkedHashMap<>();
        map(map(deployment.get("spec")).get("flinkConfiguration")).forEach((k, v) -> flink.put(k, String.valueOf(v)));
        return flink;
    }

    private static List<String> args(Map<String, Object> deployment) {
        return list(map(map(deployment.get("spec")).get("job")).get("args")).stream()
                .map(String::valueOf)
                .collect(Collectors.toList());
    }

    private static List<Map<String, Object>> deployments() {
        List<Map<String, Object>> deployments = resources.stream()
                .filter(r -> "FlinkDeployment".equals(r.get("kind")))
                .collect(Collectors.toList());
        assertThat(deployments).as("FlinkDeployments in deploy/kubernetes").isNotEmpty();
        return deployments;
    }

    private static String name(Map<String, Object> resource) {
        return String.valueOf(map(resource.get("metadata")).get("name"));
    }

    private static String where(Map<String, Object> resource) {
        return resource.get("kind") + " '" + name(resource) + "' (" + resource.get("(file)") + ")";
    }

    private static void expect(List<String> problems, String where, String what, Object actual, String expected) {
        if (!expected.equals(String.valueOf(actual))) {
            problems.add(where + " has " + what + " '" + actual + "'; expected '" + expected + "'");
        }
    }
}
