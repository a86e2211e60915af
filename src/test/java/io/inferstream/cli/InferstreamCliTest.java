package io.inferstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.inferstream.job.JobMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's argument handling: help everywhere, and start-up errors as one clear line. */
class InferstreamCliTest {

    private static String[] run(String... args) {
        CommandLine cli = Inferstream.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void shouldOfferHelpOnEverySubcommand() {
        for (String[] command : new String[][] {
            {"demo"},
            {"broker"},
            {"run"},
            {"produce"},
            {"produce", "images"},
            {"tail"},
            {"models"},
            {"models", "train-demo"},
            {"models", "train-rnn-demo"},
            {"models", "train-co2-esn"},
            {"models", "update"},
            {"bench"}
        }) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            String[] result = run(args);
            assertThat(result[0]).as(String.join(" ", command)).isEqualTo("0");
            assertThat(result[1])
                    .as(String.join(" ", command))
                    .contains("Usage: inferstream " + String.join(" ", command));
        }
    }

    @Test
    void shouldStopAtStartUpNamingAMissingModelFile() {
        String[] result =
                run("run", "image-classifier", "--bootstrap", "127.0.0.1:1", "--model", "models/missing.onnx");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("error: model.path = 'models/missing.onnx': expected an existing file");
    }

    @Test
    void shouldStopAtStartUpNamingABadValue() {
        String[] result = run("run", "image-classifier", "--bootstrap", "127.0.0.1:1", "--delivery", "maybe");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("delivery = 'maybe': expected one of exactly-once, at-least-once");
    }

    @Test
    void shouldStopAtStartUpNamingAnUnknownKey() {
        String[] result = run("run", "image-classifier", "--bootstrap", "127.0.0.1:1", "--set", "batch.size=3");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("unknown configuration key 'batch.size'");
    }

    @Test
    void shouldStopAtStartUpWhenCudaIsAskedOfTheCpuBuild() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "the GPU build is here");

        String[] result = run("run", "image-classifier", "--bootstrap", "127.0.0.1:1", "--execution-provider", "cuda");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2])
                .contains("error: onnx.execution-provider = 'cuda': this ONNX Runtime")
                .contains("onnx.fallback-to-cpu: true");
    }

    @Test
    void shouldRefuseAnUnknownExecutionProviderForABenchmark() {
        String[] result = run("bench", "images", "--inference-only", "--execution-provider", "cpu,gpu");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("onnx.execution-provider = 'gpu': expected one of cpu, cuda");
    }

    @Test
    void shouldRefuseAnUnknownJob() {
        String[] result = run("run", "video-thing", "--bootstrap", "127.0.0.1:1");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("job 'video-thing': expected one of image-classifier, tick-forecaster");
    }

    @Test
    void shouldStopTheTickJobAtStartUpNamingTheBadStateBackend() {
        String[] result = run("run", "tick-forecaster", "--bootstrap", "127.0.0.1:1", "--state-backend", "memory");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("state.backend = 'memory': expected one of hashmap, rocksdb");
    }

    @Test
    void shouldStopTheTickJobAtStartUpWhenTheModelIsNoRnnCell() {
        String[] result =
                run("run", "tick-forecaster", "--bootstrap", "127.0.0.1:1", "--model", "models/fashion-cnn.onnx");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("model has inputs [input]; expected [x, h]");
    }

    @Test
    void shouldRefuseAnUnknownBenchmark() {
        String[] result = run("bench", "videos");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("benchmark 'videos': expected images, ticks, sql or sql-ticks");
    }

    @Test
    void shouldRefuseABadTickBenchmarkSetting() {
        String[] result = run("bench", "ticks", "--hidden", "64,0");

        assertThat(result[0]).isEqualTo("2");
        assertThat(result[2]).contains("hidden sizes [64, 0]; expected one or more, each at least 1");
    }

    @Test
    void shouldRefuseABenchSettingTheJobWouldRefuseBeforeABrokerStarts() {
        String[] unknown = run("bench", "ticks", "--scenarios", "state", "--set", "state.backend.rocksdb.bloom=true");

        assertThat(unknown[0]).isEqualTo("2");
        assertThat(unknown[2])
                .contains("--set {state.backend.rocksdb.bloom=true}: unknown configuration key"
                        + " 'state.backend.rocksdb.bloom' for tick-forecaster");

        String[] badValue = run("bench", "ticks", "--set", "batch.max-size=many");

        assertThat(badValue[0]).isEqualTo("2");
        assertThat(badValue[2]).contains("batch.max-size = 'many': expected an integer");

        String[] elsewhere = run("bench", "images", "--set", "batch.max-size=8");

        assertThat(elsewhere[0]).isEqualTo("2");
        assertThat(elsewhere[2]).contains("--set [batch.max-size]: applies to bench ticks only");
    }

    @Test
    void shouldHideASecretArgumentWhenTheCommandLineIsWrong() {
        String jaas = "kafka.properties.sasl.jaas.config=PlainLoginModule required password=\"cli-s3cret\";";

        String[] mistyped = run("run", "image-classifier", "--bootstrap", "127.0.0.1:1", "--sett", jaas);
        String[] misplaced = run("run", "image-classifier", "extra", "--set=" + jaas);
        String[] badValue =
                run("run", "image-classifier", "--bootstrap", "127.0.0.1:1", "--set", jaas, "--delivery", "x");

        assertThat(mistyped[0]).isEqualTo("2");
        assertThat(mistyped[2])
                .contains("Unknown options: '--sett', 'kafka.properties.sasl.jaas.config=(hidden)'")
                .doesNotContain("cli-s3cret");
        assertThat(misplaced[0]).isEqualTo("2");
        assertThat(misplaced[2]).contains("Unmatched argument").doesNotContain("cli-s3cret");
        assertThat(badValue[0]).isEqualTo("2");
        assertThat(badValue[2]).contains("delivery = 'x'").doesNotContain("cli-s3cret");
    }

    @Test
    void shouldHideASecretArgumentWhenTheJobJarsCommandLineIsWrong() {
        String jaas = "kafka.properties.sasl.jaas.config=PlainLoginModule required password=\"jar-s3cret\";";
        // main's own error reaches the JobManager's log and the REST answer of /jars/:id/run.
        assertThatThrownBy(() -> JobMain.main(new String[] {"image-classifier", "--sett", jaas}))
                .hasMessageContaining("unknown argument '--sett'")
                .hasMessageContaining("--sett kafka.properties.sasl.jaas.config=(hidden)")
                .hasMessageNotContaining("jar-s3cret");
        assertThatThrownBy(() -> JobMain.main(new String[] {"image-classifier", "--set=" + jaas + "x", "--bogus"}))
                .hasMessageContaining("unknown argument '--bogus'")
                .hasMessageNotContaining("jar-s3cret");
    }

    @Test
    void shouldMaskOnlyTheValuesOfSecretLookingKeys() {
        assertThat(SecretArguments.mask(java.util.List.of(
                        "--set",
                        "kafka.properties.ssl.key.password=p",
                        "--set=kafka.properties.sasl.jaas.config=j",
                        "flink.s3.secret-key=s",
                        "kafka.properties.security.protocol=SASL_SSL",
                        "--bootstrap=b:9092")))
                .containsExactly(
                        "--set",
                        "kafka.properties.ssl.key.password=(hidden)",
                        "--set=kafka.properties.sasl.jaas.config=(hidden)",
                        "flink.s3.secret-key=(hidden)",
                        "kafka.properties.security.protocol=SASL_SSL",
                        "--bootstrap=b:9092");
    }
}
