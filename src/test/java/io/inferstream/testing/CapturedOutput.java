package io.inferstream.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything this JVM logs at INFO and above (as Flink's distribution logs by default: Flink's
 * JobManager and TaskManager, the Kafka clients, our code), with stack traces, and everything
 * it prints on stdout and stderr, while open. The console keeps showing warnings only.
 */
public final class CapturedOutput implements AutoCloseable {
    private static final String NAME = "captured-output";

    private final List<String> logEvents = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final Level originalRootLevel;
    private final Map<String, Appender> originalRootAppenders;

    private CapturedOutput() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        originalRootLevel = root.getLevel();
        originalRootAppenders = Map.copyOf(root.getAppenders());
        Appender capture = new AbstractAppender(NAME, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder()
                        .append(event.getLevel())
                        .append(' ')
                        .append(event.getLoggerName())
                        .append(": ")
                        .append(event.getMessage().getFormattedMessage())
                        .append('\n');
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    line.append("  caused by ").append(t).append('\n');
                }
                logEvents.add(line.toString());
            }
        };
        capture.start();
        config.addAppender(capture);
        originalRootAppenders.keySet().forEach(root::removeAppender);
        originalRootAppenders.values().forEach(a -> root.addAppender(a, Level.WARN, null));
        root.addAppender(capture, Level.INFO, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
        System.setOut(new PrintStream(tee(originalOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(tee(originalErr), true, StandardCharsets.UTF_8));
    }

    /** Starts capturing. */
    public static CapturedOutput start() {
        return new CapturedOutput();
    }

    /** The log events so far, each with its level, logger, message and causes. */
    public List<String> logEvents() {
        synchronized (logEvents) {
            return List.copyOf(logEvents);
        }
    }

    /** The log events so far as one text. */
    public String log() {
        return String.join("", logEvents());
    }

    /** What was printed on stdout and stderr so far. */
    public String console() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    private OutputStream tee(PrintStream original) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (console) {
                    console.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (console) {
                    console.write(b, off, len);
                }
            }
        };
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(NAME);
        originalRootAppenders.keySet().forEach(root::removeAppender);
        originalRootAppenders.values().forEach(a -> root.addAppender(a, null, null));
        root.setLevel(originalRootLevel);
        context.updateLoggers();
        Appender capture = config.getAppender(NAME);
        if (capture != null) {
            ((AbstractConfiguration) config).removeAppender(NAME);
            capture.stop();
        }
    }
}
