package io.asger.route53;

import io.asger.errors.PermanentFailure;

/** A record name template, or the name it gives, is not usable. Retrying cannot help. */
public class InvalidRecordName extends PermanentFailure {

    public InvalidRecordName(String message) {
        super(message);
    }
}
