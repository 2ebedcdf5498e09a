package io.asger.ops;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.asger.ExchangeProperties;
import io.asger.event.AsgEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;

/**
 * asger's timers and its retry counter, recorded from the routes (the plain counters are micrometer endpoints in
 * the route files). Names follow Micrometer's dotted style, which the Prometheus registry turns into Prometheus
 * names: a counter {@code asger.x.y} is scraped as {@code asger_x_y_total}, a timer {@code asger.x} as
 * {@code asger_x_seconds_count}, {@code _sum}, {@code _max} and {@code _bucket}. Every asger metric starts with
 * {@code asger.}; tags are lowercase words. The README's metrics table lists them all.
 */
public class AsgerMetrics {

    /** Timer: one task's run for one event, tags task, direction, outcome (succeeded | failed). */
    public static final String TASK = "asger.task";
    /** Timer: from the message's SQS SentTimestamp to its end in message-done, tag outcome. */
    public static final String MESSAGE_HANDLING = "asger.message.handling";
    /** Counter: retries of a failed task, tag task. */
    public static final String RETRIES = "asger.retries";

    /** Buckets (seconds) for both timers: a task takes milliseconds to minutes; a message can wait much longer. */
    static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1)};

    /** Exchange property: when the running task started, and the failure caught before it (a retry's). */
    static final String TASK_STARTED = "asgerTaskStarted";

    record TaskStart(long nanos, Object caughtBefore) {
    }

    private final MeterRegistry registry;

    public AsgerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Called by run-one-task before the task. */
    public void taskStarted(Exchange exchange) {
        exchange.setProperty(TASK_STARTED, new TaskStart(System.nanoTime(), exchange.getProperty(Exchange.EXCEPTION_CAUGHT)));
    }

    /** Called by run-one-task after the task, whether it succeeded or threw. */
    public void taskFinished(Exchange exchange) {
        TaskStart started = exchange.getProperty(TASK_STARTED, TaskStart.class);
        AsgEvent event = exchange.getProperty(ExchangeProperties.EVENT, AsgEvent.class);
        if (started == null || event == null) {
            return;
        }
        // In doFinally the task's failure is the caught exception; a retry still carries the one of the attempt
        // before, which is not this attempt's.
        Object caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT);
        boolean failed = exchange.getException() != null || (caught != null && caught != started.caughtBefore());
        Timer.builder(TASK).description("Time one task took for one event")
                .tag("task", String.valueOf(exchange.getProperty(ExchangeProperties.TASK)))
                .tag("direction", event.getDirection())
                .tag("outcome", failed ? "failed" : "succeeded")
                .serviceLevelObjectives(BUCKETS)
                .register(registry).record(System.nanoTime() - started.nanos(), TimeUnit.NANOSECONDS);
    }

    /** Called by message-done: the time from when the message was sent to SQS until now. */
    public void messageDone(Exchange exchange) {
        String sent = exchange.getProperty(ExchangeProperties.SENT_TIMESTAMP, String.class);
        if (sent == null || sent.isBlank()) {
            return;
        }
        long millis = System.currentTimeMillis() - Long.parseLong(sent.trim());
        Timer.builder(MESSAGE_HANDLING).description("Time from the message's SQS SentTimestamp to its end")
                .tag("outcome", String.valueOf(exchange.getProperty(ExchangeProperties.OUTCOME)))
                .serviceLevelObjectives(BUCKETS)
                .register(registry).record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** The error handler's onRedelivery: a failed task is about to be tried again. */
    public void retry(Exchange exchange) {
        Counter.builder(RETRIES).description("Retries of failed tasks")
                .tag("task", exchange.getProperty(ExchangeProperties.TASK, "none", String.class))
                .register(registry).increment();
    }
}
