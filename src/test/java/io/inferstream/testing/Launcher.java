package io.inferstream.testing;

import io.inferstream.local.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/inferstream} run as a user runs it, in its own process: the script execs into the
 * JVM, so {@link #pid()} is both. It runs the freshly built target/classes (no build), with its
 * console output in a file of the test's folder.
 */
public final class Launcher implements AutoCloseable {
    private final Process process;
    private final Path console;

    private Launcher(Process process, Path console) {
        this.process = process;
        this.console = console;
    }

    /** Starts {@code bin/inferstream args...}; its stdout and stderr go to {@code console}. */
    public static Launcher start(Path console, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("bin/inferstream");
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile());
        builder.environment().put("INFERSTREAM_CLASSPATH", ChildJvm.classPath(ChildJvm.classPathFile()));
        builder.environment().put("INFERSTREAM_JAVA_OPTS", "-Xmx768m");
        return new Launcher(builder.start(), console);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Everything printed so far. */
    public String console() {
        try {
            return Files.readString(console, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + console + ": " + e + ")";
        }
    }

    /** Waits for a line matching {@code regex}; returns its match; fails when the process exits first. */
    public Matcher awaitLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher match = pattern.matcher(console());
            if (match.find()) {
                return match;
            }
            if (!process.isAlive()) {
                throw new AssertionError("bin/inferstream exited with " + process.exitValue() + " before printing /"
                        + regex + "/:\n" + console());
            }
            sleep(100);
        }
        throw new AssertionError(
                "no line /" + regex + "/ within " + timeout.toSeconds() + " s:\n" + consoleWithThreadDump());
    }

    /**
     * The console, after asking a process that still runs for a thread dump (SIGQUIT: the JVM
     * prints every thread's stack to its stdout and runs on), so a test that gave up on it says
     * what it was doing.
     */
    private String consoleWithThreadDump() {
        if (process.isAlive()) {
            try {
                signal("QUIT");
                sleep(1000);
            } catch (Exception | AssertionError e) {
                return console() + "\n(no thread dump: " + e + ")";
            }
        }
        return console();
    }

    /** Sends a signal (INT, TERM, KILL) to the process, as a user's kill or Ctrl-C does. */
    public void signal(String name) throws Exception {
        signal(process.pid(), name);
    }

    public static void signal(long pid, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(pid))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -s " + name + " " + pid + " exited with " + kill.exitValue());
        }
    }

    /** Waits for the exit; returns the exit code. */
    public int awaitExit(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("bin/inferstream (pid " + pid() + ") still runs after " + timeout.toSeconds()
                    + " s:\n" + consoleWithThreadDump());
        }
        return process.exitValue();
    }

    /** Waits for the exit and fails, with the console, unless the exit code is {@code expected}. */
    public void awaitExitCode(int expected, Duration timeout) throws Exception {
        int code = awaitExit(timeout);
        if (code != expected) {
            throw new AssertionError("bin/inferstream (pid " + pid() + ") exited with " + code + "; expected "
                    + expected + ":\n" + console());
        }
    }

    /** Kills what is left of the process and its descendants, so a failed test leaves nothing running. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
