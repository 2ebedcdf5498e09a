package io.asger.cli;

/** A command line that does not parse. */
public class UsageException extends IllegalArgumentException {
    public UsageException(String message) {
        super(message);
    }
}
