package io.inferstream.inference;

/** A model that does not fit the contract its job needs, refused at start-up. */
public class ModelContractException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelContractException(String message) {
        super(message);
    }

    public ModelContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
