package io.asger.cli;

/** send or replay in local mode, with no asger running: its embedded queue does not answer (exit 69). */
public class NotRunningException extends RuntimeException {
    public NotRunningException(String message) {
        super(message);
    }
}
