package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.inferstream.config.ConfigException;
import io.inferstream.config.ImageJobConfig;
import io.inferstream.config.StreamJobSettings;
import io.inferstream.inference.ExecutionProviderException;
import io.inferstream.inference.OnnxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flink settings of a job: secrets Flink would show are refused; where the execution provider is checked. */
class JobEnvironmentsTest {
    private static final OnnxOptions CUDA = OnnxOptions.cuda(1, 0);

    @Test
    void shouldInspectWithTheJobsOwnOptionsWhereItsTasksRunInThisJvm() {
        StreamExecutionEnvironment local = StreamExecutionEnvironment.createLocalEnvironment();

        assertThat(JobEnvironments.inspectionOptions(local, CUDA)).isEqualTo(CUDA);
    }

    @Test
    void shouldInspectOnTheCpuWhereTheTasksRunElsewhere() {
        StreamExecutionEnvironment cluster = StreamExecutionEnvironment.createRemoteEnvironment("localhost", 1);

        assertThat(JobEnvironments.inspectionOptions(cluster, CUDA.withFallbackToCpu(true)))
                .isEqualTo(OnnxOptions.CPU);
    }

    @Test
    void shouldRefuseCudaBeforeSubmittingWhenThisOnnxRuntimeLacksIt() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "the GPU build is here");
        StreamExecutionEnvironment cluster = StreamExecutionEnvironment.createRemoteEnvironment("localhost", 1);

        assertThatThrownBy(() -> JobEnvironments.inspectionOptions(cluster, CUDA))
                .isInstanceOf(ExecutionProviderException.class)
                .hasMessageStartingWith("onnx.execution-provider = 'cuda': ");
    }

    @TempDir
    Path dir;

    private StreamJobSettings settings(String key, String value) throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("kafka.bootstrap", "localhost:9092");
        values.put(
                "model.path", Files.write(dir.resolve("m.onnx"), new byte[] {1}).toString());
        values.put(key, value);
        return ImageJobConfig.from(values).common;
    }

    @Test
    void shouldPassFlinkKeysThatFlinkMasksInItsWebUi() throws Exception {
        Map<String, String> conf = JobEnvironments.flinkConfiguration(settings("flink.s3.secret-key", "s3-s3cret"))
                .toMap();

        assertThat(conf).containsEntry("s3.secret-key", "s3-s3cret");
        assertThat(ConfigurationUtils.hideSensitiveValues(conf).get("s3.secret-key"))
                .isNotEqualTo("s3-s3cret");
    }

    @Test
    void shouldRefuseASecretLookingFlinkKeyThatFlinkWouldShow() throws Exception {
        StreamJobSettings s = settings("flink.fs.gs.auth.service.account.private.key", "gs-s3cret");

        assertThatThrownBy(() -> JobEnvironments.flinkConfiguration(s))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("flink.fs.gs.auth.service.account.private.key looks like a secret")
                .hasMessageNotContaining("gs-s3cret");
    }
}
