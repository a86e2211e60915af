package io.inferstream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens ONNX Runtime sessions the way every Inferstream operator wants them. */
public final class OnnxSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxSessions.class);
    /** Only the GPU build's jar holds this file. */
    private static final String GPU_POM = "META-INF/maven/com.microsoft.onnxruntime/onnxruntime_gpu/pom.xml";

    private OnnxSessions() {}

    /**
     * The process-wide environment. It is never closed by an operator: ONNX Runtime allows one
     * per JVM and other tasks in the same TaskManager share it.
     */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Opens a session on the execution provider of {@code options} with a fixed number of
     * intra-op threads (one per operator instance scales best; Flink parallelism supplies the
     * rest). Where CUDA was asked for but cannot be used in this process, the session runs on the
     * CPU with a warning if {@link OnnxOptions#fallbackToCpu()} allows it; otherwise this throws
     * an {@link ExecutionProviderException} saying why and what to do.
     */
    public static OrtSession open(ModelBytes model, OnnxOptions options) {
        // The environment first: it registers the native logger that loading a provider reports through.
        environment();
        OnnxOptions usable = checkProvider(options);
        if (usable.provider() == OnnxOptions.Provider.CUDA) {
            return openOnCuda(model, usable);
        }
        return openOnCpu(model, usable);
    }

    /**
     * Checks that this ONNX Runtime build has the provider asked for, without opening a session:
     * the check a job makes where it is submitted, which need not have a GPU. Returns the options
     * to run with: those given, or the CPU after a fallback.
     */
    public static OnnxOptions checkProvider(OnnxOptions options) {
        if (options.provider() == OnnxOptions.Provider.CPU) {
            return options;
        }
        EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        if (available.contains(OrtProvider.CUDA)) {
            return options;
        }
        return cudaUnusable(
                options, "this ONNX Runtime (" + runtimeName() + ") has only the providers " + available, null);
    }

    /** The ONNX Runtime on the class path, as Maven names it, e.g. com.microsoft.onnxruntime:onnxruntime 1.28.0. */
    public static String runtimeName() {
        String artifact = OrtEnvironment.class.getResource("/" + GPU_POM) != null ? "onnxruntime_gpu" : "onnxruntime";
        return "com.microsoft.onnxruntime:" + artifact + " " + environment().getVersion();
    }

    private static OrtSession openOnCuda(ModelBytes model, OnnxOptions options) {
        try (OrtSession.SessionOptions sessionOptions = sessionOptions(options)) {
            try {
                sessionOptions.addCUDA(options.deviceId());
            } catch (OrtException | UnsatisfiedLinkError e) {
                // The GPU build loads its CUDA provider library here; it fails without CUDA's and cuDNN's libraries.
                String why = "the CUDA provider of " + runtimeName()
                        + " does not load (ONNX Runtime's log names the library it could not open): " + message(e);
                return openOnCpu(model, cudaUnusable(options, why, e));
            }
            try {
                return environment().createSession(model.bytes(), sessionOptions);
            } catch (OrtException cudaFailure) {
                // The model's fault or CUDA's? A model the CPU cannot load either fails here as a model error.
                OrtSession onCpu = openOnCpu(model, options.onCpu());
                if (!options.fallbackToCpu()) {
                    closeQuietly(onCpu);
                }
                cudaUnusable(
                        options,
                        "a session on CUDA device " + options.deviceId() + " (onnx.cuda.device-id) fails: "
                                + message(cudaFailure),
                        cudaFailure);
                return onCpu;
            }
        } catch (OrtException e) {
            throw new ModelContractException("cannot set up ONNX Runtime's session options: " + e.getMessage(), e);
        }
    }

    private static OrtSession openOnCpu(ModelBytes model, OnnxOptions options) {
        try (OrtSession.SessionOptions sessionOptions = sessionOptions(options)) {
            return environment().createSession(model.bytes(), sessionOptions);
        } catch (OrtException e) {
            throw new ModelContractException(
                    "model '" + model.location() + "' is not a model ONNX Runtime can load: " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions sessionOptions(OnnxOptions options) throws OrtException {
        OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
        try {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return sessionOptions;
        } catch (OrtException e) {
            sessionOptions.close();
            throw e;
        }
    }

    /** The CPU options after a logged fallback, or the refusal when the job allows none. */
    private static OnnxOptions cudaUnusable(OnnxOptions options, String why, Throwable cause) {
        if (options.fallbackToCpu()) {
            LOG.warn(
                    "onnx.execution-provider = cuda, but {}: running on the CPU instead (onnx.fallback-to-cpu: true)",
                    why);
            return options.onCpu();
        }
        throw new ExecutionProviderException(
                "onnx.execution-provider = 'cuda': " + why + "; expected the GPU build of ONNX Runtime (build with"
                        + " -Pgpu: com.microsoft.onnxruntime:onnxruntime_gpu) on a machine with an NVIDIA GPU,"
                        + " CUDA 12 and cuDNN 9, or set onnx.fallback-to-cpu: true to run on the CPU there",
                cause);
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.toString() : message.strip();
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing only frees native memory; the refusal is what matters.
        }
    }

    /** The tensor info of a named input or output, or a contract error naming what exists. */
    public static TensorInfo tensorInfo(java.util.Map<String, NodeInfo> nodes, String name, String what) {
        NodeInfo node = nodes.get(name);
        if (node == null) {
            throw new ModelContractException(
                    "model has no " + what + " named '" + name + "'; it has " + nodes.keySet());
        }
        if (!(node.getInfo() instanceof TensorInfo)) {
            throw new ModelContractException(
                    what + " '" + name + "' is " + node.getInfo() + "; expected a float tensor");
        }
        return (TensorInfo) node.getInfo();
    }

    /** Renders a shape with symbolic dimensions as N, like [N,1,28,28]. */
    public static String shapeString(long[] shape) {
        String[] dims = new String[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i] < 0 ? "N" : Long.toString(shape[i]);
        }
        return "[" + String.join(",", Arrays.asList(dims)) + "]";
    }
}
