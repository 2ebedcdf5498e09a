package io.asger.ops;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.asger.ExchangeProperties;
import io.asger.event.AsgEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;

/**
 * asger's timers, its per-message counters and its retry counter, recorded from the routes (the rarer counters are
 * micrometer endpoints in the route files). The two counters every message moves, asger.events.received and
 * asger.messages, are counted here rather than by a {@code toD} micrometer endpoint, whose URI would be built and
 * resolved for every message; they keep the endpoint's tags (camelContext too). Names follow Micrometer's dotted style, which the Prometheus registry turns into Prometheus
 * names: a counter {@code asger.x.y} is scraped as {@code asger_x_y_total}, a timer {@code asger.x} as
 * {@code asger_x_seconds_count}, {@code _sum}, {@code _max} and {@code _bucket}. Every asger metric starts with
 * {@code asger.}; tags are lowercase words. The README's metrics table lists them all.
 */
public class AsgerMetrics {

    /** Timer: one task's run for one event, tags task, direction, outcome (succeeded | failed). */
    public static final String TASK = "asger.task";
    /** Timer: from the message's SQS SentTimestamp to its end in message-done, tag outcome. */
    public static final String MESSAGE_HANDLING = "asger.message.handling";
    /** Counter: bodies that parsed into an event, tags type, format. */
    public static final String EVENTS_RECEIVED = "asger.events.received";
    /** Counter: messages ended in message-done, tag outcome. */
    public static final String MESSAGES = "asger.messages";
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
    /** The tag a micrometer endpoint gives its meters: the Camel context's name. */
    private final java.util.function.Supplier<String> camelContext;
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    public AsgerMetrics(MeterRegistry registry) {
        this(registry, () -> "asger");
    }

    /** @param camelContext the Camel context's name, read when a counter is first registered */
    public AsgerMetrics(MeterRegistry registry, java.util.function.Supplier<String> camelContext) {
        this.registry = registry;
        this.camelContext = camelContext;
    }

    /** Called by route-by-event-type once the body is an event: asger.events.received, tags type and format. */
    public void eventReceived(Exchange exchange) {
        AsgEvent event = exchange.getProperty(ExchangeProperties.EVENT, AsgEvent.class);
        if (event != null) {
            count(EVENTS_RECEIVED, "type", String.valueOf(event.getType()), "format", String.valueOf(event.getFormat()));
        }
    }

    private void count(String name, String... tags) {
        counters.computeIfAbsent(key(name, tags), k -> Counter.builder(name).tags(tags).tag("camelContext", camelContext.get())
                .register(registry)).increment();
    }

    /** A timer with asger's buckets, registered once per name and tags (not built again for every event). */
    private Timer timer(String name, String description, String... tags) {
        return timers.computeIfAbsent(key(name, tags), k -> Timer.builder(name).description(description).tags(tags)
                .serviceLevelObjectives(BUCKETS).register(registry));
    }

    private static List<String> key(String name, String... tags) {
        List<String> key = new java.util.ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(Arrays.asList(tags));
        return key;
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
        timer(TASK, "Time one task took for one event", "task", String.valueOf(exchange.getProperty(ExchangeProperties.TASK)),
                "direction", event.getDirection(), "outcome", failed ? "failed" : "succeeded")
                .record(System.nanoTime() - started.nanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Called by message-done: counts the message (asger.messages, tag outcome) and times it from when it was sent to
     * SQS until now (asger.message.handling).
     */
    public void messageDone(Exchange exchange) {
        count(MESSAGES, "outcome", String.valueOf(exchange.getProperty(ExchangeProperties.OUTCOME)));
        String sent = exchange.getProperty(ExchangeProperties.SENT_TIMESTAMP, String.class);
        if (sent == null || sent.isBlank()) {
            return;
        }
        long millis = System.currentTimeMillis() - Long.parseLong(sent.trim());
        timer(MESSAGE_HANDLING, "Time from the message's SQS SentTimestamp to its end",
                "outcome", String.valueOf(exchange.getProperty(ExchangeProperties.OUTCOME)))
                .record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** The error handler's onRedelivery: a failed task is about to be tried again. */
    public void retry(Exchange exchange) {
        Counter.builder(RETRIES).description("Retries of failed tasks")
                .tag("task", exchange.getProperty(ExchangeProperties.TASK, "none", String.class))
                .register(registry).increment();
    }
}
