package io.asger.errors;

import java.time.Instant;

import io.asger.ExchangeProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Called by the dead-letter channel each time a step fails: counts the attempts of the failing task and remembers
 * when the message first failed (a replayed message brings that time along: the intake route puts it in the
 * {@code asgerFirstFailureTime} property). The dead-letter route turns these into DLQ message attributes.
 */
public class FailureRecorder implements Processor {

    public static final String ATTEMPTS = ExchangeProperties.ATTEMPTS;
    public static final String FIRST_FAILURE = ExchangeProperties.FIRST_FAILURE_TIME;
    public static final String FAILED_TASK = ExchangeProperties.FAILED_TASK;

    @Override
    public void process(Exchange exchange) {
        String task = exchange.getProperty(ExchangeProperties.TASK, "none", String.class);
        if (!task.equals(exchange.getProperty(FAILED_TASK, String.class))) {
            exchange.setProperty(FAILED_TASK, task);
            exchange.setProperty(ATTEMPTS, 0);
        }
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        if (exchange.getProperty(FIRST_FAILURE) == null) {
            exchange.setProperty(FIRST_FAILURE, Instant.now().toString());
        }
    }
}
