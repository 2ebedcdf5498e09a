package io.asger.errors;

/** Bridge copy of the core's class (CONVENTIONS.md contract) until the core's errors package is on main. */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String message) {
        super(message);
    }

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
