package io.inferstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process as Linux reports it in /proc/PID/status; -1 where unknown. */
final class ProcessMemory {
    private static final double MB = 1024 * 1024;

    private ProcessMemory() {}

    /** "RSS x MB (peak y MB)" of process {@code pid}. */
    static String describe(long pid) {
        return String.format(
                "RSS %.0f MB (peak %.0f MB)", kilobytes(pid, "VmRSS:") / 1024.0, kilobytes(pid, "VmHWM:") / 1024.0);
    }

    /** "heap used x MB of y MB committed, RSS ..." of this JVM, after a garbage collection. */
    static String describeSelf() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return String.format(
                "heap %.0f MB used of %.0f MB committed, %s",
                (rt.totalMemory() - rt.freeMemory()) / MB,
                rt.totalMemory() / MB,
                describe(ProcessHandle.current().pid()));
    }

    static long kilobytes(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
