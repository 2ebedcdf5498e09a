package io.asger.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.asger.errors.Failures;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the SQS consumer behaves when the queue cannot be reached (its {@code pollStrategy} and {@code exceptionHandler}
 * in intake.camel.yaml). It backs off: after a failed receive no consumer polls until a delay has passed, 1 s at first
 * and doubling up to {@link #MAX_DELAY}, and then one consumer alone tries; a receive that works ends the backoff. It
 * logs one WARN line per failed receive, naming the cause and when the next attempt comes, without a stack trace
 * (Camel's default is the whole trace of every failed poll, three times a second: megabytes of log in a minute of
 * outage), and one INFO line when the queue answers again. Skipped polls leave the consumer's error count alone, so
 * its health check stays DOWN until a receive works.
 *
 * <p>Camel's own backoff options (backoffErrorThreshold, backoffMultiplier) skip a number of polls counted across
 * all concurrent consumers, so their wait shrinks as asger.concurrency grows; this one is measured in time.
 * Camel hands the same failure to the consumer's exception handler next (io.asger.aws.UnfinishedMessageLog), which
 * leaves it to this line.
 */
public class QueueReceiveFailures implements PollingConsumerPollStrategy {

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger("asger.intake");

    private final Clock clock;
    private int failures;
    private Instant nextAttempt;
    private boolean probing;

    public QueueReceiveFailures() {
        this(Clock.systemUTC());
    }

    QueueReceiveFailures(Clock clock) {
        this.clock = clock;
    }

    /** False while backing off, and for all but one consumer when the wait is over. */
    @Override
    public synchronized boolean begin(Consumer consumer, Endpoint endpoint) {
        if (failures == 0) {
            return true;
        }
        if (probing || clock.instant().isBefore(nextAttempt)) {
            return false;
        }
        probing = true;
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        int failed;
        synchronized (this) {
            failed = failures;
            failures = 0;
            probing = false;
        }
        if (failed > 0) {
            LOG.info("The queue answers again, after {} failed receive(s)", failed);
        }
    }

    /** Never retry at once: the next receive waits for the backoff. */
    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        int step;
        Duration delay;
        synchronized (this) {
            step = ++failures;
            delay = delay(step);
            nextAttempt = clock.instant().plus(delay);
            probing = false;
        }
        LOG.warn("Cannot receive from the queue (failed receive {} in a row): {}; next attempt in {} s",
                step, describe(cause), delay.toSeconds());
        return false;
    }

    /** 1 s after the first failure, doubling, at most {@link #MAX_DELAY}. */
    static Duration delay(int failures) {
        long seconds = FIRST_DELAY.toSeconds() << Math.min(failures - 1, 20);
        return seconds >= MAX_DELAY.toSeconds() ? MAX_DELAY : Duration.ofSeconds(seconds);
    }

    /** The innermost cause's class and message, and the outermost message when it says more. */
    static String describe(Throwable exception) {
        if (exception == null) {
            return "unknown error";
        }
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        Throwable top = Failures.rootOf(exception);
        String rootText = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        if (top != root && top.getMessage() != null && !top.getMessage().contains(String.valueOf(root.getMessage()))) {
            return top.getMessage() + " (" + rootText + ")";
        }
        return rootText;
    }
}
