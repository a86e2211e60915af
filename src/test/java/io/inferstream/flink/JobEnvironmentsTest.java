package io.inferstream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.inferstream.inference.ExecutionProviderException;
import io.inferstream.inference.OnnxOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Where a job checks its execution provider before it starts: the whole check here, or only the build's. */
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
}
