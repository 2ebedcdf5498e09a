package io.asger.errors;

import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.http.base.HttpOperationFailedException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Sorts failures into permanent (dead-letter at once) and transient (retry with backoff, then dead-letter). Used by
 * the {@code onException} in {@code routes/dead-letter.camel.yaml}.
 */
public class Failures {

    /** AWS error codes that mean "slow down" or "busy", whatever HTTP status carries them. */
    static final Set<String> AWS_TRANSIENT_CODES = Set.of(
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
            "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "PriorRequestNotComplete",
            "ProvisionedThroughputExceededException", "RequestTimeout", "RequestTimeoutException",
            "ServiceUnavailable", "InternalError", "InternalFailure");

    public boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFailure) {
                return false;
            }
            if (t instanceof PermanentFailure || t instanceof JsonProcessingException) {
                return true;
            }
            if (t instanceof HttpOperationFailedException http) {
                return isPermanentStatus(http.getStatusCode());
            }
            if (t instanceof AwsServiceException aws) {
                String code = aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
                if (aws.isThrottlingException() || code != null && AWS_TRANSIENT_CODES.contains(code)) {
                    return false;
                }
                return isPermanentStatus(aws.statusCode());
            }
        }
        return false;
    }

    /** 4xx other than 404 (gone), 409 (conflict, usually already done) and 429 (throttled) cannot be fixed by retrying. */
    public static boolean isPermanentStatus(int status) {
        return status >= 400 && status < 500 && status != 404 && status != 409 && status != 429 && status != 408;
    }

    /**
     * The failure that matters: Camel wraps what a bean or expression threw (RuntimeBeanExpressionException,
     * RuntimeCamelException, ...); the DLQ and the logs should name what was thrown.
     */
    public static Throwable rootOf(Throwable failure) {
        Throwable t = failure;
        while (t != null && t.getCause() != null && t.getCause() != t
                && t.getClass().getName().startsWith("org.apache.camel.")
                && !(t instanceof HttpOperationFailedException)) {
            t = t.getCause();
        }
        return t;
    }

    /** One word for the DLQ attribute and the logs. */
    public String kind(Throwable failure) {
        return isPermanent(failure) ? "permanent" : "transient";
    }
}
