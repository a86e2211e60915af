package io.inferstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlinkJvmOptionsTest {

    @Test
    void shouldReadFlinksJava17ListWithoutComments() {
        List<String> options = FlinkJvmOptions.java17();

        assertThat(options)
                .contains(
                        "--add-opens=java.base/java.util=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.util=ALL-UNNAMED")
                .allMatch(
                        o -> o.matches("--add-(opens|exports)=[\\w.]+/[\\w.]+=ALL-UNNAMED"),
                        "an add-opens/exports option")
                .doesNotHaveDuplicates();
    }

    @Test
    void shouldRunThisTestJvmWithEveryOptionOfTheFile() {
        // The pom hands the same file to Surefire and Failsafe as a java @argfile; the JVM
        // reports the options it expanded from it.
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).containsAll(FlinkJvmOptions.java17());
    }

    @Test
    void shouldSplitOnWhiteSpaceAndSkipCommentLines() {
        assertThat(FlinkJvmOptions.parse("# why\n  --a=1 --b=2\n\n   # more\n--c=3\n"))
                .containsExactly("--a=1", "--b=2", "--c=3");
    }

    @Test
    void shouldRefuseQuotesAndTrailingComments() {
        assertThatThrownBy(() -> FlinkJvmOptions.parse("--a=1 # why\n"))
                .hasMessageContaining("line '--a=1 # why'")
                .hasMessageContaining("expected plain options");
        assertThatThrownBy(() -> FlinkJvmOptions.parse("\"--a=1\"\n")).hasMessageContaining("holds a quote");
    }
}
