package io.asger.errors;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;

/**
 * Prepares a failed message for the dead-letter queue: the body is the original SQS body (the dead-letter channel
 * restores it), and the reason travels as SQS message attributes, which {@code asger replay --list} prints.
 */
public class DeadLetterAttributes implements Processor {

    public static final String ERROR_TYPE = "asger-error-type";
    public static final String ERROR_KIND = "asger-error-kind";
    public static final String ERROR_MESSAGE = "asger-error-message";
    public static final String FAILED_TASK = "asger-failed-task";
    public static final String ATTEMPTS = "asger-attempts";
    public static final String FIRST_FAILURE_TIME = "asger-first-failure-time";
    public static final String ORIGINAL_MESSAGE_ID = "asger-original-message-id";

    /** SQS allows 10 attributes a message; an error message is cut to keep the whole message small. */
    static final int MAX_MESSAGE_CHARS = 1024;

    private final Failures failures = new Failures();

    @Override
    public void process(Exchange exchange) {
        Throwable error = Failures.rootOf(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        // A replayed message carries the id it had when it first failed.
        String originalId = exchange.getMessage().getHeader(ORIGINAL_MESSAGE_ID, String.class);
        if (originalId == null) {
            originalId = exchange.getProperty("asgerMessageId", String.class);
        }
        if (originalId == null) {
            originalId = exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class);
        }
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        // Only asger's own attributes go to the DLQ: inbound headers would otherwise become attributes too. Camel's
        // own headers stay (the SQS producer never sends them): the consumer deletes the message by its receipt handle.
        headers.keySet().removeIf(name -> !name.startsWith("Camel"));
        headers.put(ERROR_TYPE, error == null ? "unknown" : error.getClass().getName());
        headers.put(ERROR_KIND, error == null ? "unknown" : failures.kind(error));
        headers.put(ERROR_MESSAGE, truncate(error == null ? "no exception recorded" : String.valueOf(error.getMessage())));
        headers.put(FAILED_TASK, exchange.getProperty(FailureRecorder.FAILED_TASK, "none", String.class));
        headers.put(ATTEMPTS, exchange.getProperty(FailureRecorder.ATTEMPTS, 1, Integer.class));
        String first = exchange.getProperty(FailureRecorder.FIRST_FAILURE, String.class);
        if (first != null) {
            headers.put(FIRST_FAILURE_TIME, first);
        }
        if (originalId != null) {
            headers.put(ORIGINAL_MESSAGE_ID, originalId);
        }
    }

    static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
    }
}
