package io.inferstream.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The main class of a child JVM that must not outlive the JVM that started it (a Kafka broker,
 * Flink processes owned by a test): it starts a thread that exits this JVM once the parent is
 * gone, then runs the real main class. Even a parent killed with SIGKILL, which runs no shutdown
 * hook, leaves no orphan behind.
 *
 * <p>It depends on the JDK only, so {@link #classPathEntry} can copy it alone onto a class path
 * that does not hold the project's classes (the Flink cluster's).
 */
public final class ParentWatch {
    /** System property holding the PID to watch. */
    public static final String PARENT_PID_PROPERTY = "inferstream.parent.pid";

    private static final long POLL_MS = 500;
    /** A child whose clean shutdown hangs is halted after this long. */
    private static final long HALT_AFTER_MS = 30_000;

    private ParentWatch() {}

    /**
     * Writes this class under {@code dir} (which is created) and returns {@code dir}, to put first
     * on a child's class path.
     */
    public static Path classPathEntry(Path dir) {
        String resource = ParentWatch.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(resource);
        try (InputStream in = ParentWatch.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " not found on this class path");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        return dir;
    }

    /**
     * The JVM arguments, from the system property on, that run {@code mainClass} under a watch of
     * this JVM: {@code -Dinferstream.parent.pid=PID io.inferstream.local.ParentWatch mainClass}.
     */
    public static List<String> mainOf(String mainClass) {
        return List.of(
                "-D" + PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid(),
                ParentWatch.class.getName(),
                mainClass);
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("expected the main class to run, then its arguments");
        }
        String pid = System.getProperty(PARENT_PID_PROPERTY);
        if (pid == null) {
            throw new IllegalArgumentException("system property " + PARENT_PID_PROPERTY + " is missing; expected the"
                    + " PID of the process whose death ends this one");
        }
        watch(Long.parseLong(pid));
        try {
            Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object)
                    Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watch(long parentPid) {
        Thread watcher = new Thread(
                () -> {
                    // A PID is checked by its start time too: a reused PID is another process.
                    ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
                    while (parent != null && parent.isAlive()) {
                        try {
                            Thread.sleep(POLL_MS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    System.err.println("parent process " + parentPid + " is gone; exiting");
                    Thread halter = new Thread(
                            () -> {
                                try {
                                    Thread.sleep(HALT_AFTER_MS);
                                } catch (InterruptedException e) {
                                    return;
                                }
                                Runtime.getRuntime().halt(143);
                            },
                            "parent-watch-halt");
                    halter.setDaemon(true);
                    halter.start();
                    System.exit(143);
                },
                "parent-watch-" + parentPid);
        watcher.setDaemon(true);
        watcher.start();
    }
}
