package io.asger.aws;

import io.asger.ExchangeProperties;
import io.asger.errors.Failures;
import io.asger.ops.GracefulShutdown;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQS consumer's exception handler: a message whose handling failed outside the error handler's reach (the
 * dead-letter send failed, a step of message-done threw) is not deleted, and SQS delivers it again. That is logged
 * here once per message, naming the message and the reason; Camel's consumer would log the same failure twice,
 * each time with a stack trace (the trace is at DEBUG). A failed receive is QueueReceiveFailures' to log; other
 * errors that belong to no message are logged as Camel would.
 */
public class UnfinishedMessageLog implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger("asger.messages");
    static final String LOGGED = "asgerUnfinishedLogged";

    private final GracefulShutdown shutdown;

    /** @param shutdown while asger stops, an unfinished message is also made visible again at once */
    public UnfinishedMessageLog(GracefulShutdown shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (exchange == null && message != null && message.startsWith("Failed polling")) {
            // A failed receive: QueueReceiveFailures (the consumer's poll strategy) said so already, in one line.
            return;
        }
        if (exchange == null) {
            LOG.warn("{}: {}", message == null ? "SQS consumer error" : message, String.valueOf(exception), exception);
            return;
        }
        synchronized (exchange) {
            if (exchange.getProperty(LOGGED) != null) {
                return;
            }
            exchange.setProperty(LOGGED, true);
        }
        String id = exchange.getProperty(ExchangeProperties.MESSAGE_ID, String.class);
        if (id == null) {
            id = exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class);
        }
        Throwable cause = Failures.rootOf(exception == null ? exchange.getException() : exception);
        if (shutdown != null && shutdown.stopping()) {
            // Another replica may take it now rather than after the visibility timeout.
            shutdown.release(exchange, String.valueOf(cause));
            return;
        }
        LOG.warn("Message {} not finished, left in SQS to be delivered again: {}", id, cause);
        LOG.debug("Message {} not finished", id, cause);
    }
}
