package io.inferstream.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) or {@code kill} (SIGTERM) of {@code run}: the job stops with a savepoint, so
 * that the next start resumes from exactly there, instead of the JVM shutting down under it. A
 * savepoint that does not complete in time leaves the last retained checkpoint to resume from; a
 * second signal exits at once, with the same outcome.
 */
final class StopOnSignal implements AutoCloseable {
    static final long SAVEPOINT_TIMEOUT_S = 60;
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final JobClient job;
    private final Path savepointsDir;
    private final AtomicInteger signals = new AtomicInteger();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile int exitCode;

    private StopOnSignal(JobClient job, Path savepointsDir) {
        this.job = job;
        this.savepointsDir = savepointsDir;
    }

    static StopOnSignal install(JobClient job, Path savepointsDir) {
        StopOnSignal stop = new StopOnSignal(job, savepointsDir);
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            stop.previous.add(Signal.handle(signal, stop::handle));
            stop.installed.add(signal);
        }
        return stop;
    }

    /** Whether a signal asked the job to stop (its end is then no failure). */
    boolean requested() {
        return signals.get() > 0;
    }

    /** 0 after a stop with a savepoint or a normal end; 1 when the savepoint failed and the job was cancelled. */
    int exitCode() {
        return exitCode;
    }

    private void handle(Signal signal) {
        if (signals.incrementAndGet() > 1) {
            System.err.println("SIG" + signal.getName() + " again: exiting now; the next start resumes from the last"
                    + " retained checkpoint");
            System.exit(130);
        }
        System.out.println("SIG" + signal.getName() + ": stopping job " + job.getJobID() + " with a savepoint in "
                + savepointsDir + " (up to " + SAVEPOINT_TIMEOUT_S + " s; again to exit at once) ...");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAVEPOINT_TIMEOUT_S);
        while (true) {
            try {
                String savepoint = job.stopWithSavepoint(
                                false, savepointsDir.toUri().toString(), SavepointFormatType.DEFAULT)
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                System.out.println("stopped with savepoint " + savepoint + "; the same command resumes from it");
                return;
            } catch (Exception e) {
                // Refused while tasks still start (a Ctrl-C right after start): try again until the time is up.
                if (System.nanoTime() < deadline - TimeUnit.SECONDS.toNanos(1) && stillRunning()) {
                    pause();
                    continue;
                }
                exitCode = 1;
                System.err.println("no savepoint (" + e + "); cancelling the job, the next start resumes from the"
                        + " last retained checkpoint");
                job.cancel();
                return;
            }
        }
    }

    private boolean stillRunning() {
        try {
            return !job.getJobStatus().get(5, TimeUnit.SECONDS).isTerminalState();
        } catch (Exception e) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
