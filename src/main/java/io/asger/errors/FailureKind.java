package io.asger.errors;

/** What retrying can do about a failure: nothing (permanent) or maybe (transient). */
public enum FailureKind {
    /** Dead-lettered at once: an invalid message, an ambiguous match, a rejected credential, a 4xx. */
    PERMANENT("permanent"),
    /** Retried with the asger.retry.* backoff, then dead-lettered: I/O, timeouts, 408, 429, 5xx, throttling. */
    TRANSIENT("transient");

    private final String word;

    FailureKind(String word) {
        this.word = word;
    }

    /** The word in the DLQ attribute asger-error-kind and the logs. */
    public String word() {
        return word;
    }

    @Override
    public String toString() {
        return word;
    }
}
