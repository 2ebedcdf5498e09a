package io.asger.ops;

import java.util.concurrent.atomic.AtomicInteger;

import io.asger.ExchangeProperties;
import io.asger.aws.StoppableSqsClient;
import io.asger.errors.Failures;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How asger stops (SIGTERM, or Camel stopping for any reason), in three moves:
 * <ol>
 * <li>as Camel starts stopping, receiving stops at once: a long poll in progress is cut off
 * ({@link StoppableSqsClient#stopReceiving()}), so no stop waits up to 20 s for it;</li>
 * <li>in-flight chains run on for up to {@code camel.main.shutdown-timeout} seconds; retries stop (the error
 * handler's {@code allowRedeliveryWhileStopping: false}), and a message whose retry was stopped is not
 * dead-lettered ({@link #givesUpForShutdown}) but left unfinished;</li>
 * <li>every message still unfinished when the routes have stopped is made visible again, so another replica takes it
 * now rather than after its visibility timeout: at once, or as soon as the long polls cut off at the stop have ended
 * on SQS's side ({@link StoppableSqsClient#release}). It was not deleted, so nothing is lost.</li>
 * </ol>
 */
public class GracefulShutdown extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger("asger.shutdown");

    private final StoppableSqsClient sqs;
    private final String queueUrl;
    private final Failures failures = new Failures();
    private volatile boolean stopping;

    public GracefulShutdown(StoppableSqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        // Only the context's stopping events: otherwise Camel makes an event for every exchange and every send, at
        // each step of each message, to ask this notifier about it.
        setIgnoreExchangeEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent
                || event instanceof CamelEvent.CamelContextRoutesStoppedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.CamelContextStoppingEvent) {
            stopping = true;
            sqs.stopReceiving();
            LOG.info("Stopping: no more messages are received; in-flight messages get up to {} s to finish",
                    ((CamelEvent.CamelContextEvent) event).getContext().getShutdownStrategy().getTimeout());
        } else if (event instanceof CamelEvent.CamelContextRoutesStoppedEvent e) {
            releaseUnfinished(e.getContext());
        }
    }

    /** True once asger has begun to stop. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Asked by send-to-dead-letter-queue: true when asger is stopping and the failure is transient, i.e. the message
     * arrives there only because its retries were stopped. Such a message goes back to the queue, not to the DLQ.
     */
    public boolean givesUpForShutdown(Throwable failure) {
        return stopping && failure != null && !failures.isPermanent(failure);
    }

    /** Makes the message of an exchange that did not finish visible again (StoppableSqsClient#release says when). */
    public void release(Exchange exchange, String why) {
        String handle = exchange.getProperty(ExchangeProperties.RECEIPT_HANDLE, String.class);
        if (handle == null) {
            handle = exchange.getMessage().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
        }
        String id = exchange.getProperty(ExchangeProperties.MESSAGE_ID, String.class);
        int delay = sqs.releaseDelaySeconds();
        if (handle != null && sqs.release(queueUrl, id, handle)) {
            LOG.warn("Message {} not finished ({}): released to the queue, visible again {}", id, why,
                    delay == 0 ? "now" : "in " + delay + " s (once the long polls cut off at the stop have ended)");
        }
    }

    private void releaseUnfinished(CamelContext context) {
        AtomicInteger released = new AtomicInteger();
        LOG.debug("Routes stopped with {} exchange(s) in flight", context.getInflightRepository().size());
        for (InflightRepository.InflightExchange inflight : context.getInflightRepository().browse()) {
            Exchange exchange = inflight.getExchange();
            if (exchange.getProperty(ExchangeProperties.MESSAGE_ID) != null || exchange.getMessage().getHeader(Sqs2Constants.RECEIPT_HANDLE) != null) {
                release(exchange, "its chain did not finish within camel.main.shutdown-timeout");
                released.incrementAndGet();
            }
        }
        if (released.get() > 0) {
            LOG.warn("{} unfinished message(s) released to the queue for another consumer", released.get());
        }
    }
}
