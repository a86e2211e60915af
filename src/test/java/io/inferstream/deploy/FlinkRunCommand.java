package io.inferstream.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The `flink run` line of a service's command, split into the client's options, the jar, and the
 * job's arguments as JobMain takes them: {@code <job> [--config FILE] [--bootstrap HOST:PORT]
 * [--set key=value]...}.
 */
final class FlinkRunCommand {
    private static final Pattern RUN_LINE = Pattern.compile("(?m)^.*?\\bflink\\s+run\\s+(.*)$");
    private static final Set<String> CLIENT_OPTIONS_WITH_VALUE =
            Set.of("-m", "--jobmanager", "-p", "--parallelism", "-s", "--fromSavepoint", "-c", "--class", "-t");

    final Map<String, String> clientOptions = new LinkedHashMap<>();
    String jar;
    String job;
    String config;
    String bootstrap;
    final Map<String, String> settings = new LinkedHashMap<>();
    final List<String> unexpected = new ArrayList<>();

    private FlinkRunCommand() {}

    /** The first `flink run` line of a shell command (continuation lines joined), if there is one. */
    static Optional<FlinkRunCommand> find(String command) {
        Matcher line = RUN_LINE.matcher(command.replace("\\\n", " "));
        if (!line.find()) {
            return Optional.empty();
        }
        List<String> words = new ArrayList<>();
        for (String word : line.group(1).trim().split("\\s+")) {
            words.add(word.replaceAll("^['\"]|['\"]$", ""));
        }
        FlinkRunCommand run = new FlinkRunCommand();
        int i = 0;
        while (i < words.size() && words.get(i).startsWith("-")) {
            String option = words.get(i++);
            boolean withValue = CLIENT_OPTIONS_WITH_VALUE.contains(option) && i < words.size();
            run.clientOptions.put(option, withValue ? words.get(i++) : "");
        }
        run.jar = i < words.size() ? words.get(i++) : null;
        run.readJobArguments(words.subList(i, words.size()));
        return Optional.of(run);
    }

    /** A job's arguments as JobMain takes them, without a client or a jar: {@code <job> [--config ...]...}. */
    static FlinkRunCommand jobArguments(List<String> words) {
        FlinkRunCommand run = new FlinkRunCommand();
        run.readJobArguments(words);
        return run;
    }

    private void readJobArguments(List<String> words) {
        FlinkRunCommand run = this;
        int i = 0;
        run.job = words.isEmpty() ? null : words.get(i++);
        while (i < words.size()) {
            String word = words.get(i++);
            String value = i < words.size() ? words.get(i) : null;
            if (word.equals("--config") && value != null) {
                run.config = value;
                i++;
            } else if (word.equals("--bootstrap") && value != null) {
                run.bootstrap = value;
                i++;
            } else if (word.equals("--set") && value != null && value.contains("=")) {
                run.settings.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
                i++;
            } else {
                run.unexpected.add(word);
            }
        }
    }
}
