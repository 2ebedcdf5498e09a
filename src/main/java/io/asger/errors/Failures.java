package io.asger.errors;

import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.http.base.HttpOperationFailedException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * asger's one failure vocabulary: how an HTTP status, an AWS error code or an exception is classified. Every task
 * and the error handler ({@code routes/dead-letter.camel.yaml}) decide with these rules; a task adds only the words
 * of its message ({@link #forStatus}).
 *
 * <pre>
 *   2xx                                   success (a task may treat more as success, e.g. 404 on a DELETE)
 *   408, 429, 5xx                         transient
 *   any other status (4xx, 3xx, 1xx)      permanent
 *   AWS throttling codes, RequestTimeout, ServiceUnavailable, InternalError/Failure   transient, whatever the status
 *   other AWS errors                      by their status
 *   PermanentFailure, malformed JSON      permanent
 *   TransientFailure, I/O and everything else   transient
 * </pre>
 */
public class Failures {

    /** AWS error codes that mean "slow down": the one list, for the error handler and for Route 53's own pacing. */
    public static final Set<String> THROTTLING_CODES = Set.of(
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
            "TooManyRequests", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "PriorRequestNotComplete",
            "ProvisionedThroughputExceededException");

    /** AWS error codes that mean "busy or broken right now", whatever HTTP status carries them. */
    public static final Set<String> AWS_TRANSIENT_CODES = Set.of(
            "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable", "InternalError", "InternalFailure");

    /** The kind of a non-2xx HTTP status. */
    public static FailureKind ofStatus(int status) {
        return status == 408 || status == 429 || status >= 500 ? FailureKind.TRANSIENT : FailureKind.PERMANENT;
    }

    public static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    /** The exception for a non-2xx status, of the kind {@link #ofStatus} gives, with the task's words as message. */
    public static RuntimeException forStatus(int status, String message) {
        return ofStatus(status) == FailureKind.TRANSIENT ? new TransientFailure(message) : new PermanentFailure(message);
    }

    /** Throttled by AWS ("slow down"). */
    public static boolean isThrottling(AwsServiceException e) {
        return e.isThrottlingException() || THROTTLING_CODES.contains(awsErrorCode(e));
    }

    /** An AWS error worth trying again: throttling, a transient code, or a transient status. */
    public static boolean isTransient(AwsServiceException e) {
        return isThrottling(e) || AWS_TRANSIENT_CODES.contains(awsErrorCode(e)) || ofStatus(e.statusCode()) == FailureKind.TRANSIENT;
    }

    public static String awsErrorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** The kind of any failure, looking through Camel's wrappers and causes. */
    public static FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFailure) {
                return FailureKind.TRANSIENT;
            }
            if (t instanceof PermanentFailure || t instanceof JsonProcessingException) {
                return FailureKind.PERMANENT;
            }
            if (t instanceof HttpOperationFailedException http) {
                return ofStatus(http.getStatusCode());
            }
            if (t instanceof AwsServiceException aws) {
                return isTransient(aws) ? FailureKind.TRANSIENT : FailureKind.PERMANENT;
            }
        }
        return FailureKind.TRANSIENT;
    }

    /** For the error handler's onWhen ({@code failures.isPermanent(${exception})}). */
    public boolean isPermanent(Throwable failure) {
        return classify(failure) == FailureKind.PERMANENT;
    }

    /** One word for the DLQ attribute and the logs. */
    public String kind(Throwable failure) {
        return classify(failure).word();
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
}
