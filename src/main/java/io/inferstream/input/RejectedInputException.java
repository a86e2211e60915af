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

    public RejectReason reason() {
        return reason;
    }
}
