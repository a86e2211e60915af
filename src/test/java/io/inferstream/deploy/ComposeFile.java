package io.inferstream.deploy;

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
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A docker-compose.yml read as data: its services, their mounts, environment and commands. */
final class ComposeFile {
    final Path directory;
    final Map<String, Service> services;
    final Set<String> namedVolumes;

    private ComposeFile(Path directory, Map<String, Service> services, Set<String> namedVolumes) {
        this.directory = directory;
        this.services = services;
        this.namedVolumes = namedVolumes;
    }

    static ComposeFile load(Path file) throws IOException {
        Map<?, ?> root = (Map<?, ?>) loadYaml(file);
        Map<String, Service> services = new LinkedHashMap<>();
        map(root.get("services")).forEach((name, body) -> services.put(name, new Service(name, map(body))));
        return new ComposeFile(
                file.toAbsolutePath().getParent(),
                services,
                map(root.get("volumes")).keySet());
    }

    /** The host path behind a container path, if a bind mount of the service holds it. */
    Optional<Path> hostPath(Service service, String containerPath) {
        return service.mountHolding(containerPath)
                .filter(mount -> mount.bind)
                .map(mount -> mount.hostPath(directory, containerPath));
    }

    /** The services on an image repository, such as "flink" or "prom/prometheus". */
    List<Service> servicesOn(String imageRepository) {
        List<Service> on = new ArrayList<>();
        services.values().stream()
                .filter(s -> s.imageRepository().equals(imageRepository))
                .forEach(on::add);
        return on;
    }

    /** Reads a YAML file with the safe constructor: maps, lists and scalars only. */
    static Object loadYaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
    }

    /** A YAML list; an absent one is empty. */
    static List<Object> list(Object yaml) {
        return yaml instanceof List ? new ArrayList<>((List<?>) yaml) : new ArrayList<>();
    }

    /** A YAML map with string keys; an absent one is empty. */
    static Map<String, Object> map(Object yaml) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (yaml instanceof Map) {
            ((Map<?, ?>) yaml).forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        return out;
    }

    /** One service of the file. */
    static final class Service {
        final String name;
        private final Map<String, Object> body;

        Service(String name, Map<String, Object> body) {
            this.name = name;
            this.body = body;
        }

        Optional<String> image() {
            return Optional.ofNullable(body.get("image")).map(String::valueOf);
        }

        /** The image's repository: "flink" for "flink:2.2.1-java17". */
        String imageRepository() {
            String image = image().orElse("");
            int colon = image.lastIndexOf(':');
            return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
        }

        boolean hasProfiles() {
            return body.containsKey("profiles");
        }

        /** The profiles that start this service; empty if it always starts. */
        List<String> profiles() {
            List<String> profiles = new ArrayList<>();
            if (body.get("profiles") instanceof List) {
                ((List<?>) body.get("profiles")).forEach(p -> profiles.add(String.valueOf(p)));
            }
            return profiles;
        }

        /** The command as one string (a list's words joined by spaces), or "" if none. */
        String command() {
            Object command = body.get("command");
            if (command instanceof List) {
                List<String> words = new ArrayList<>();
                ((List<?>) command).forEach(w -> words.add(String.valueOf(w)));
                return String.join(" ", words);
            }
            return command == null ? "" : String.valueOf(command);
        }

        Optional<String> workingDir() {
            return Optional.ofNullable(body.get("working_dir")).map(String::valueOf);
        }

        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            Object raw = body.get("environment");
            if (raw instanceof List) {
                for (Object entry : (List<?>) raw) {
                    String text = String.valueOf(entry);
                    int eq = text.indexOf('=');
                    env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
                }
            } else {
                map(raw).forEach((k, v) -> env.put(k, v == null ? "" : String.valueOf(v)));
            }
            return env;
        }

        /**
         * FLINK_PROPERTIES the way the Flink image's entrypoint reads them: one setting a line, all
         * whitespace deleted, the key before the first colon.
         */
        Map<String, String> flinkProperties() {
            Map<String, String> properties = new LinkedHashMap<>();
            for (String line :
                    environment().getOrDefault("FLINK_PROPERTIES", "").split("\n")) {
                String setting = line.replaceAll("\\s", "");
                int colon = setting.indexOf(':');
                if (!setting.isEmpty()) {
                    properties.put(
                            colon < 0 ? setting : setting.substring(0, colon),
                            colon < 0 ? "" : setting.substring(colon + 1));
                }
            }
            return properties;
        }

        /** depends_on as service name to condition (service_started for the short form). */
        Map<String, String> dependsOn() {
            Map<String, String> conditions = new LinkedHashMap<>();
            Object raw = body.get("depends_on");
            if (raw instanceof List) {
                ((List<?>) raw).forEach(s -> conditions.put(String.valueOf(s), "service_started"));
            } else {
                map(raw).forEach((s, spec) ->
                        conditions.put(s, String.valueOf(map(spec).getOrDefault("condition", "service_started"))));
            }
            return conditions;
        }

        boolean hasHealthcheck() {
            return body.get("healthcheck") instanceof Map;
        }

        List<Mount> mounts() {
            List<Mount> mounts = new ArrayList<>();
            Object raw = body.get("volumes");
            if (raw instanceof List) {
                for (Object entry : (List<?>) raw) {
                    mounts.add(
                            entry instanceof Map ? Mount.longSyntax(map(entry)) : Mount.shortSyntax(entry.toString()));
                }
            }
            return mounts;
        }

        /** The mount that holds a container path (the deepest one), if any. */
        Optional<Mount> mountHolding(String containerPath) {
            Mount best = null;
            for (Mount mount : mounts()) {
                if (mount.holds(containerPath) && (best == null || mount.target.length() > best.target.length())) {
                    best = mount;
                }
            }
            return Optional.ofNullable(best);
        }

        boolean isFlink() {
            return imageRepository().equals("flink");
        }

        /** A Flink process started by the image's entrypoint: "jobmanager" or "taskmanager". */
        boolean runs(String flinkProcess) {
            return isFlink() && command().trim().equals(flinkProcess);
        }

        @Override
        public String toString() {
            return "service '" + name + "'";
        }
    }

    /** A volume entry: a bind mount of a host path or a named volume, at a container path. */
    static final class Mount {
        final boolean bind;
        final String source;
        final String target;
        final boolean readOnly;

        Mount(boolean bind, String source, String target, boolean readOnly) {
            this.bind = bind;
            this.source = source;
            this.target = target;
            this.readOnly = readOnly;
        }

        static Mount shortSyntax(String entry) {
            String[] parts = entry.split(":");
            String source = parts[0];
            boolean bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
            String target = parts.length > 1 ? parts[1] : parts[0];
            boolean readOnly = parts.length > 2 && List.of(parts[2].split(",")).contains("ro");
            return new Mount(bind, source, target, readOnly);
        }

        static Mount longSyntax(Map<String, Object> entry) {
            return new Mount(
                    "bind".equals(entry.get("type")),
                    String.valueOf(entry.get("source")),
                    String.valueOf(entry.get("target")),
                    Boolean.TRUE.equals(entry.get("read_only")));
        }

        boolean holds(String containerPath) {
            return containerPath.equals(target) || containerPath.startsWith(target + "/");
        }

        /** The host path behind a container path this bind mount holds, relative to the compose file. */
        Path hostPath(Path composeDirectory, String containerPath) {
            String rest = containerPath.substring(target.length()).replaceFirst("^/", "");
            Path source = composeDirectory.resolve(this.source).normalize();
            return rest.isEmpty() ? source : source.resolve(rest).normalize();
        }

        @Override
        public String toString() {
            return source + ":" + target + (readOnly ? ":ro" : "");
        }
    }
}
