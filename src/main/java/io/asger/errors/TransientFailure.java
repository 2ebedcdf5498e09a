package io.asger.errors;

/** Bridge copy of the core's class (CONVENTIONS.md contract) until the core's errors package is on main. */
public class TransientFailure extends RuntimeException {

    public TransientFailure(String message) {
        super(message);
    }

    public TransientFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
