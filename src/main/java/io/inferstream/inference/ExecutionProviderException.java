package io.inferstream.inference;

/**
 * The execution provider a job asked for (onnx.execution-provider) cannot be used in this
 * process, and the job did not allow a fallback to the CPU.
 */
public class ExecutionProviderException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ExecutionProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
