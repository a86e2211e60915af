package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferstream.config.JobArguments;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** `run` and `cluster submit` take exactly the flags the job jar takes, meaning the same keys. */
class JobOptionsTest {

    @Test
    void shouldTakeTheJobJarsFlagsWithTheSameKeys() {
        List<String> named = new ArrayList<>();
        for (OptionSpec option :
                new CommandLine(new RunCommand()).getCommandSpec().options()) {
            String name = option.longestName();
            if (name.equals("--help") || name.equals("--version") || name.equals("--web-ui-port")) {
                continue;
            }
            named.add(name);
            if (JobArguments.FLAGS.containsKey(name)) {
                RunCommand run = new RunCommand();
                new CommandLine(run).parseArgs("image-classifier", name, "7");
                assertThat(run.options.overrides())
                        .as(name)
                        .containsExactly(java.util.Map.entry(JobArguments.FLAGS.get(name), "7"));
            }
        }
        List<String> expected = new ArrayList<>(JobArguments.FLAGS.keySet());
        expected.addAll(
                List.of(JobArguments.CONFIG, JobArguments.SET, JobArguments.CREATE_TOPICS, JobArguments.FROM_SCRATCH));
        assertThat(named).containsExactlyInAnyOrderElementsOf(expected);
    }
}
