package io.inferstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's command line as the job jar takes it, without a command-line library (the jar carries
 * the runtime only): {@code JOB [--config FILE] [--FLAG VALUE]... [--set KEY=VALUE]...
 * [--create-topics] [--from-scratch]}. Each flag is a shorthand for one configuration key;
 * {@code run} and {@code cluster submit} take the same flags.
 */
public final class JobArguments {
    /** Each flag that takes a value, and the configuration key it sets. */
    public static final Map<String, String> FLAGS = flags(
            "--bootstrap", "kafka.bootstrap",
            "--model", "model.path",
            "--input-topic", "topics.input",
            "--output-topic", "topics.output",
            "--dlq-topic", "topics.dlq",
            "--output-format", "output.format",
            "--parallelism", "parallelism",
            "--checkpoint-dir", "checkpoint.dir",
            "--delivery", "delivery",
            "--state-backend", "state.backend",
            "--execution-provider", "onnx.execution-provider");

    public static final String CONFIG = "--config";
    public static final String SET = "--set";
    public static final String CREATE_TOPICS = "--create-topics";
    public static final String FROM_SCRATCH = "--from-scratch";

    public final String job;
    /** The configuration file; null for the job's default, jobs/JOB.yaml. */
    public final Path config;
    /** The flags' settings, which win over the configuration file's. */
    public final Map<String, Object> overrides;

    public final boolean fromScratch;

    private JobArguments(String job, Path config, Map<String, Object> overrides, boolean fromScratch) {
        this.job = job;
        this.config = config;
        this.overrides = Collections.unmodifiableMap(overrides);
        this.fromScratch = fromScratch;
    }

    /**
     * Parses the arguments; a bad one is refused naming it (with a secret value hidden) and what
     * was expected. Both {@code --flag value} and {@code --flag=value} are taken.
     */
    public static JobArguments parse(List<String> args) {
        if (args.isEmpty() || args.get(0).startsWith("-")) {
            throw new IllegalArgumentException(
                    "expected the job's name first (image-classifier or tick-forecaster), got "
                            + (args.isEmpty() ? "nothing" : "'" + SecretReferences.maskArgument(args.get(0)) + "'"));
        }
        String job = args.get(0);
        Path config = null;
        boolean fromScratch = false;
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (name.equals(CREATE_TOPICS) && name.equals(arg)) {
                overrides.put("topics.create", "true");
                continue;
            }
            if (name.equals(FROM_SCRATCH) && name.equals(arg)) {
                fromScratch = true;
                continue;
            }
            if (!name.equals(CONFIG) && !name.equals(SET) && !FLAGS.containsKey(name)) {
                throw new IllegalArgumentException("unknown argument '" + SecretReferences.maskArgument(arg)
                        + "'; expected " + CONFIG + ", " + SET + " KEY=VALUE, " + String.join(", ", FLAGS.keySet())
                        + ", " + CREATE_TOPICS + " or " + FROM_SCRATCH);
            }
            String value;
            if (!name.equals(arg)) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException(name + " expects a value");
            }
            if (name.equals(CONFIG)) {
                config = Path.of(value);
            } else if (name.equals(SET)) {
                int sep = value.indexOf('=');
                if (sep <= 0) {
                    throw new IllegalArgumentException(
                            SET + " '" + SecretReferences.maskArgument(value) + "': expected KEY=VALUE");
                }
                overrides.put(value.substring(0, sep), value.substring(sep + 1));
            } else {
                overrides.put(FLAGS.get(name), value);
            }
        }
        return new JobArguments(job, config, overrides, fromScratch);
    }

    /** The arguments with secret values hidden, fit for an error message or a log line. */
    public static List<String> masked(List<String> args) {
        List<String> masked = new ArrayList<>(args.size());
        args.forEach(arg -> masked.add(SecretReferences.maskArgument(arg)));
        return masked;
    }

    private static Map<String, String> flags(String... flagsAndKeys) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < flagsAndKeys.length; i += 2) {
            flags.put(flagsAndKeys[i], flagsAndKeys[i + 1]);
        }
        return Collections.unmodifiableMap(flags);
    }
}
