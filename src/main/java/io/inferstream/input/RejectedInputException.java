package io.inferstream.input;

/** An input that cannot become a prediction; carries the reason written to the dead-letter topic. */
public class RejectedInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    public RejectedInputException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectedInputException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /**
     * An unforeseen failure of a per-record step, as a rejection of that record: the exception's
     * class and message become the dead letter's error.
     */
    public static RejectedInputException internalError(String step, RuntimeException e) {
        return new RejectedInputException(
                RejectReason.INTERNAL_ERROR, step + " failed: " + e.getClass().getName() + ": " + e.getMessage(), e);
    }

    public RejectReason reason() {
        return reason;
    }
}
