package io.asger.errors;

/** A failure that may pass (an outage, a 5xx, throttling): retried with backoff, then dead-lettered. */
public class TransientFailure extends RuntimeException {
    public TransientFailure(String message) {
        super(message);
    }

    public TransientFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
