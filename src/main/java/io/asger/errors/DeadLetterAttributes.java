package io.asger.errors;

import java.util.Map;

import io.asger.ExchangeProperties;
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
            originalId = exchange.getProperty(ExchangeProperties.MESSAGE_ID, String.class);
        }
        if (originalId == null) {
            originalId = exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class);
        }
        Map<String, Object> headers = exchange.getMessage().getHeaders();
        // Only asger's own attributes go to the DLQ: inbound headers would otherwise become attributes too, and
        // Camel headers such as CamelAwsSqsOperation would steer the producer. The receipt handle stays: the
        // consumer deletes the message with it once the dead letter is sent.
        headers.keySet().removeIf(name -> !name.equals(Sqs2Constants.RECEIPT_HANDLE));
        headers.put(ERROR_TYPE, error == null ? "unknown" : error.getClass().getName());
        headers.put(ERROR_KIND, error == null ? "unknown" : failures.kind(error));
        headers.put(ERROR_MESSAGE, sqsText(error == null ? "no exception recorded" : error.getMessage()));
        headers.put(FAILED_TASK, sqsText(exchange.getProperty(FailureRecorder.FAILED_TASK, "none", String.class)));
        headers.put(ATTEMPTS, exchange.getProperty(FailureRecorder.ATTEMPTS, 1, Integer.class));
        String first = exchange.getProperty(FailureRecorder.FIRST_FAILURE, String.class);
        if (first != null) {
            headers.put(FIRST_FAILURE_TIME, first);
        }
        if (originalId != null) {
            headers.put(ORIGINAL_MESSAGE_ID, originalId);
        }
    }

    /**
     * An attribute value SQS accepts: not empty, only the characters SQS allows (#x9, #xA, #xD, #x20-#xD7FF,
     * #xE000-#xFFFD, #x10000-#x10FFFF), bounded. SQS refuses the whole message otherwise, and a dead letter that
     * cannot be sent keeps its message cycling through the main queue.
     */
    static String sqsText(String value) {
        if (value == null || value.isEmpty()) {
            return "(no message)";
        }
        StringBuilder s = new StringBuilder(Math.min(value.length(), MAX_MESSAGE_CHARS));
        for (int i = 0; i < value.length() && s.length() < MAX_MESSAGE_CHARS - 3; ) {
            int c = value.codePointAt(i);
            boolean allowed = c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF
                    || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF;
            s.appendCodePoint(allowed ? c : 0xFFFD);
            i += Character.charCount(c);
        }
        if (s.length() >= MAX_MESSAGE_CHARS - 3) {
            s.append("...");
        }
        return s.toString();
    }
}
