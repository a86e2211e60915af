package io.inferstream.inference;

import java.io.Serializable;
import java.util.Locale;

/**
 * How an operator's ONNX Runtime session runs: its intra-op threads, and the execution provider
 * (the CPU, or CUDA on one GPU) with what to do when that provider cannot be used here.
 *
 * @param intraOpThreads threads of one session (one per operator instance scales best)
 * @param provider where the model runs
 * @param deviceId the CUDA device of {@link Provider#CUDA}
 * @param fallbackToCpu run on the CPU, with a warning, when CUDA cannot be used; false: refuse
 */
public record OnnxOptions(int intraOpThreads, Provider provider, int deviceId, boolean fallbackToCpu)
        implements Serializable {

    /** One thread on the CPU: what the tests and the benchmarks' reference runs use. */
    public static final OnnxOptions CPU = cpu(1);

    /** The execution providers a job can ask for, under their configuration names. */
    public enum Provider {
        CPU,
        CUDA;

        /** The configuration value: cpu or cuda. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public OnnxOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads = " + intraOpThreads + ": expected at least 1");
        }
        if (deviceId < 0) {
            throw new IllegalArgumentException("CUDA device id = " + deviceId + ": expected 0 or more");
        }
        java.util.Objects.requireNonNull(provider, "provider");
    }

    /** The CPU provider with the given intra-op threads. */
    public static OnnxOptions cpu(int intraOpThreads) {
        return new OnnxOptions(intraOpThreads, Provider.CPU, 0, false);
    }

    /** CUDA on the given device, refusing to start where CUDA cannot be used. */
    public static OnnxOptions cuda(int intraOpThreads, int deviceId) {
        return new OnnxOptions(intraOpThreads, Provider.CUDA, deviceId, false);
    }

    /** The same options with the CPU fallback set as given. */
    public OnnxOptions withFallbackToCpu(boolean fallback) {
        return new OnnxOptions(intraOpThreads, provider, deviceId, fallback);
    }

    /** The same thread count on the CPU: what a fallback runs with. */
    public OnnxOptions onCpu() {
        return cpu(intraOpThreads);
    }

    /** For logs and benchmark tables: cpu, or cuda:0. */
    public String describe() {
        return provider == Provider.CUDA ? "cuda:" + deviceId : "cpu";
    }
}
