package io.inferstream.config;

import io.inferstream.inference.OnnxOptions;

/**
 * The {@code onnx.*} keys both jobs share: intra-op threads, execution provider (cpu or cuda),
 * the CUDA device and whether a process without a usable CUDA runs on the CPU instead.
 */
public final class OnnxSettings {
    public static final String THREADS = "onnx.intra-op-threads";
    public static final String PROVIDER = "onnx.execution-provider";
    public static final String DEVICE_ID = "onnx.cuda.device-id";
    public static final String FALLBACK = "onnx.fallback-to-cpu";

    private OnnxSettings() {}

    /** Reads and checks the onnx.* keys; every one has a default. */
    public static OnnxOptions read(Settings s) {
        int threads = s.intValue(THREADS, 1, 1, 256);
        String provider = s.choice(PROVIDER, "cpu", "cpu", "cuda");
        int deviceId = s.intValue(DEVICE_ID, 0, 0, 1023);
        boolean fallback = s.bool(FALLBACK, false);
        return new OnnxOptions(
                threads, OnnxOptions.Provider.valueOf(provider.toUpperCase(java.util.Locale.ROOT)), deviceId, fallback);
    }
}
