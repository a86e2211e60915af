package io.inferstream.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster of separate processes, started from the Maven-resolved
 * Flink jars without flink-dist: one JobManager ({@code StandaloneSessionClusterEntrypoint}) and
 * TaskManagers ({@code TaskManagerRunner}), each a child JVM sized by Flink's own
 * {@code BashJavaUtils}, as flink-dist's scripts do. Everything it writes (configuration, logs,
 * checkpoints, savepoints, temp files) lies under one directory; its state file lets a later
 * command find and stop the processes.
 */
public final class LocalFlinkCluster implements AutoCloseable {
    private static final String STATE_FILE = "cluster.properties";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int restPort;
    private final List<Long> pids;
    private final java.util.Map<Long, String> names = new java.util.HashMap<>();
    private final FlinkRest rest;
    private int taskManagerCount;
    private int metricsPort;
    private boolean exitWithThisProcess;

    private LocalFlinkCluster(Path dir, int restPort, List<Long> pids, int taskManagerCount) {
        this.dir = dir;
        this.restPort = restPort;
        this.pids = new ArrayList<>(pids);
        this.taskManagerCount = taskManagerCount;
        this.rest = new FlinkRest("http://127.0.0.1:" + restPort);
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers with {@code slots} slots each,
     * working in {@code workingDir} (relative model and configuration paths resolve there), and
     * waits until every TaskManager has registered.
     */
    public static LocalFlinkCluster start(Path dir, Path workingDir, int taskManagers, int slots) throws IOException {
        return start(dir, workingDir, taskManagers, slots, false);
    }

    /**
     * As {@link #start(Path, Path, int, int)}; with {@code exitWithThisProcess}, every process of
     * the cluster exits once this JVM is gone, even killed with SIGKILL (tests, benchmarks). Without
     * it the cluster outlives the command that started it, until {@code cluster down}.
     */
    public static LocalFlinkCluster start(
            Path dir, Path workingDir, int taskManagers, int slots, boolean exitWithThisProcess) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Files.createDirectories(absolute.resolve("conf"));
        Files.createDirectories(absolute.resolve("logs"));
        int restPort = LocalPorts.free();
        int metricsPort = LocalPorts.free();
        FlinkClusterConfig.write(absolute, restPort, LocalPorts.free(), metricsPort, slots);
        LocalFlinkCluster cluster = new LocalFlinkCluster(absolute, restPort, List.of(), 0);
        cluster.metricsPort = metricsPort;
        cluster.exitWithThisProcess = exitWithThisProcess;
        try {
            cluster.pids.add(cluster.launch(
                    "jobmanager",
                    "GET_JM_RESOURCE_PARAMS",
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    workingDir));
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager(workingDir);
            }
            cluster.awaitTaskManagers(taskManagers);
            cluster.saveState(workingDir);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The cluster a previous {@link #start} left in {@code dir}, for submit and down commands. */
    public static LocalFlinkCluster attach(Path dir) throws IOException {
        Path file = dir.toAbsolutePath().resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no local Flink cluster in " + dir.toAbsolutePath() + " (" + STATE_FILE
                    + " missing); expected one started with `bin/inferstream cluster up`");
        }
        Properties state = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            state.load(reader);
        }
        List<Long> pids = Arrays.stream(state.getProperty("pids").split(","))
                .filter(p -> !p.isBlank())
                .map(Long::parseLong)
                .collect(Collectors.toList());
        LocalFlinkCluster cluster = new LocalFlinkCluster(
                dir.toAbsolutePath(),
                Integer.parseInt(state.getProperty("rest.port")),
                pids,
                Integer.parseInt(state.getProperty("taskmanagers")));
        cluster.metricsPort = Integer.parseInt(state.getProperty("metrics.port", "0"));
        return cluster;
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public FlinkRest rest() {
        return rest;
    }

    public Path directory() {
        return dir;
    }

    /** The ports the processes' Prometheus reporters may listen on (the first free ones of the range). */
    public List<Integer> metricsPorts() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < FlinkClusterConfig.METRICS_PORTS; i++) {
            ports.add(metricsPort + i);
        }
        return ports;
    }

    public Path checkpointsDir() {
        return dir.resolve("checkpoints");
    }

    public Path savepointsDir() {
        return dir.resolve("savepoints");
    }

    /** PIDs of the processes this cluster started that are still alive, JobManager first. */
    public List<Long> livePids() {
        return pids.stream().filter(LocalFlinkCluster::alive).collect(Collectors.toList());
    }

    public long jobManagerPid() {
        return pids.get(0);
    }

    /** Starts one more TaskManager (a replacement after a failure, or for more slots); returns its PID. */
    public long startTaskManager(Path workingDir) throws IOException {
        int index = ++taskManagerCount;
        long pid = launch(
                "taskmanager-" + index,
                "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                workingDir);
        pids.add(pid);
        saveState(workingDir);
        return pid;
    }

    /** The java.io.tmpdir of the process with this PID (where ONNX Runtime unpacks its natives). */
    public Path tmpDir(long pid) {
        return dir.resolve("tmp").resolve(names.getOrDefault(pid, "unknown"));
    }

    /** Kills a process with SIGKILL, as a crashed machine would stop, and waits for it to be gone. */
    public void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
    }

    /** Waits until the JobManager reports this many registered TaskManagers. */
    public void awaitTaskManagers(int count) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive(jobManagerPid())) {
                throw new IllegalStateException("the JobManager (pid " + jobManagerPid() + ") exited; its log:\n"
                        + ChildJvm.tail(dir.resolve("logs/jobmanager.log"), 40));
            }
            if (rest.taskManagerCount() >= count) {
                return;
            }
            sleep(300);
        }
        throw new IllegalStateException("fewer than " + count + " TaskManagers registered within "
                + READY_TIMEOUT.toSeconds() + " s; JobManager log:\n"
                + ChildJvm.tail(dir.resolve("logs/jobmanager.log"), 40));
    }

    /** Stops every process it started: SIGTERM, then SIGKILL for those still alive after 20 s. */
    @Override
    public void close() {
        List<ProcessHandle> handles = new ArrayList<>();
        for (int i = pids.size() - 1; i >= 0; i--) {
            ProcessHandle.of(pids.get(i)).ifPresent(handles::add);
        }
        handles.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : handles) {
            try {
                handle.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(dir.resolve(STATE_FILE));
        } catch (IOException e) {
            // The processes are gone; a stale state file only names dead PIDs.
        }
    }

    private long launch(String name, String resourceCommand, String mainClass, Path workingDir) throws IOException {
        String classPath = ChildJvm.classPath(flinkClassPathFile());
        Path conf = dir.resolve("conf");
        List<String> resources = FlinkClusterConfig.resourceParams(classPath, conf, resourceCommand);
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.javaExecutable());
        command.addAll(Arrays.asList(resources.get(0).trim().split("\\s+")));
        command.addAll(FlinkJvmOptions.java17());
        command.add("-XX:-UsePerfData");
        command.add("-Dlog.file=" + dir.resolve("logs/" + name + ".log"));
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties"));
        // One temp dir per process, so ONNX Runtime's native unpacking can be counted per process.
        Path tmp = Files.createDirectories(dir.resolve("tmp").resolve(name));
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-cp");
        if (exitWithThisProcess) {
            command.add(ParentWatch.classPathEntry(dir.resolve("parent-watch")) + File.pathSeparator + classPath);
            command.addAll(ParentWatch.mainOf(mainClass));
        } else {
            command.add(classPath);
            command.add(mainClass);
        }
        command.add("--configDir");
        command.add(conf.toString());
        command.addAll(Arrays.asList(resources.get(1).trim().split("\\s+")));
        Process process = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/" + name + ".out").toFile())
                .start();
        names.put(process.pid(), name);
        return process.pid();
    }

    /**
     * The cluster's class path, written by the build: Flink as a distribution's lib/ holds it,
     * plus ONNX Runtime; never the connector and Kafka client the job jar brings (two copies of
     * those, one per class loader, break linking).
     */
    private static Path flinkClassPathFile() {
        return Path.of(System.getProperty("inferstream.flink.classpath.file", "target/flink-classpath.txt"))
                .toAbsolutePath();
    }

    private void saveState(Path workingDir) throws IOException {
        Properties state = new Properties();
        state.setProperty("rest.port", Integer.toString(restPort));
        state.setProperty("metrics.port", Integer.toString(metricsPort));
        state.setProperty("taskmanagers", Integer.toString(taskManagerCount));
        state.setProperty("pids", pids.stream().map(String::valueOf).collect(Collectors.joining(",")));
        state.setProperty("working.dir", workingDir.toAbsolutePath().toString());
        try (var writer = Files.newBufferedWriter(dir.resolve(STATE_FILE), StandardCharsets.UTF_8)) {
            state.store(writer, "local Flink cluster started by bin/inferstream cluster up");
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }
}
