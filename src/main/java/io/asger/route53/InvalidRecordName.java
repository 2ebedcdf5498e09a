package io.asger.route53;

/**
 * A record name template or its result is not usable. Retrying cannot help: this is a permanent failure.
 * (Until core's io.asger.errors.PermanentFailure is on this branch this is a plain IllegalArgumentException.)
 */
public class InvalidRecordName extends IllegalArgumentException {

    public InvalidRecordName(String message) {
        super(message);
    }
}
