package io.asger.errors;

/**
 * A failure that retrying cannot fix (an invalid message, an ambiguous match, a rejected credential). The message goes
 * to the dead-letter queue at once, with this exception's message as the reason.
 */
public class PermanentFailure extends RuntimeException {
    public PermanentFailure(String message) {
        super(message);
    }

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
