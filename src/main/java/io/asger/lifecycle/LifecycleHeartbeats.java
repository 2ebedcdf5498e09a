package io.asger.lifecycle;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asger.config.LifecycleSettings;
import io.asger.event.AsgEvent;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a lifecycle action alive while its message is handled: from {@link #start} to {@link #stop} (or shutdown),
 * a RecordLifecycleActionHeartbeat every interval, so an instance stays in Pending:Wait / Terminating:Wait as long as
 * its tasks need, retries and their backoff included. The interval is {@code asger.lifecycle.heartbeat-seconds} when
 * set, else half the hook's HeartbeatTimeout (read once per group and hook), else {@value #FALLBACK_SECONDS} s.
 *
 * <p>Heartbeats run on their own threads and never fail the message: a failed heartbeat is logged and counted, and
 * the next one is tried at the next interval; a heartbeat refused because the action is over ends the heartbeats.
 */
public class LifecycleHeartbeats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("asger.lifecycle");
    /** The interval when the hook's timeout cannot be read: safe for any hook whose HeartbeatTimeout is 10 min or more. */
    public static final int FALLBACK_SECONDS = 300;

    private final LifecycleActions actions;
    private final int heartbeatSeconds;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Heartbeat> running = new ConcurrentHashMap<>();

    public LifecycleHeartbeats(LifecycleActions actions, LifecycleSettings settings) {
        this(actions, settings.heartbeatSeconds());
    }

    /** @param heartbeatSeconds the interval; 0 for half the hook's HeartbeatTimeout */
    public LifecycleHeartbeats(LifecycleActions actions, int heartbeatSeconds) {
        if (heartbeatSeconds < 0) {
            throw new IllegalArgumentException("heartbeatSeconds must be 0 (from the hook) or more, was " + heartbeatSeconds);
        }
        this.actions = actions;
        this.heartbeatSeconds = heartbeatSeconds;
        AtomicInteger n = new AtomicInteger();
        // Two threads: a heartbeat stuck on a slow endpoint must not hold up the others.
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "asger-heartbeat-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts heartbeats for the event's lifecycle action (none for an event without one). Returns at once. */
    public void start(AsgEvent event) {
        begin(event);
    }

    private Heartbeat begin(AsgEvent event) {
        if (event == null || !event.isLifecycleAction() || scheduler.isShutdown()) {
            return null;
        }
        Heartbeat heartbeat = new Heartbeat(event);
        Heartbeat before = running.put(key(event), heartbeat);
        if (before != null) {
            before.cancel();
        }
        // The interval may need a DescribeLifecycleHooks call: made here, not on the message's thread.
        scheduler.execute(heartbeat::schedule);
        return heartbeat;
    }

    /**
     * Starts heartbeats for the event's lifecycle action, and makes sure they stop when the exchange ends, however
     * it ends (message-done stops them first; this covers a message that never gets there, e.g. when the DLQ could
     * not be reached or asger stopped mid-chain).
     */
    public void start(AsgEvent event, Exchange exchange) {
        Heartbeat heartbeat = begin(event);
        if (heartbeat != null) {
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    running.remove(key(event), heartbeat);
                    heartbeat.cancel();
                }
            });
        }
    }

    /** Stops the event's heartbeats: none is sent after this returns (it waits for one on the wire). */
    public void stop(AsgEvent event) {
        if (event == null || !event.isLifecycleAction()) {
            return;
        }
        Heartbeat heartbeat = running.remove(key(event));
        if (heartbeat != null) {
            heartbeat.cancel();
        }
    }

    /** Lifecycle actions being kept alive now. */
    public int running() {
        return running.size();
    }

    /** The interval for the event's action (may call DescribeLifecycleHooks once per group and hook). */
    public Duration intervalFor(AsgEvent event) {
        if (heartbeatSeconds > 0) {
            return Duration.ofSeconds(heartbeatSeconds);
        }
        Optional<Duration> timeout = actions.heartbeatTimeout(event);
        return timeout.map(t -> t.dividedBy(2)).filter(d -> !d.isZero()).orElse(Duration.ofSeconds(FALLBACK_SECONDS));
    }

    private static String key(AsgEvent event) {
        return event.getMessageId() + "/" + event.getLifecycleActionToken();
    }

    @Override
    public void close() {
        running.values().forEach(Heartbeat::cancel);
        running.clear();
        scheduler.shutdownNow();
    }

    private final class Heartbeat {
        private final AsgEvent event;
        private ScheduledFuture<?> future;
        private boolean cancelled;

        Heartbeat(AsgEvent event) {
            this.event = event;
        }

        void schedule() {
            Duration interval;
            try {
                interval = intervalFor(event);
            } catch (RuntimeException e) {
                LOG.warn("Heartbeat interval for message {} not known ({}); using {} s", event.getMessageId(), e, FALLBACK_SECONDS);
                interval = Duration.ofSeconds(FALLBACK_SECONDS);
            }
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                LOG.debug("Heartbeats every {} s for the lifecycle action of {} (hook {}, message {})",
                        interval.toMillis() / 1000.0, event.getInstanceId(), event.getLifecycleHookName(), event.getMessageId());
                long ms = interval.toMillis();
                future = scheduler.scheduleAtFixedRate(this::beat, ms, ms, TimeUnit.MILLISECONDS);
            }
        }

        // Holds the lock for the call, so that stop() returns only once no heartbeat is on the wire: one sent after
        // the completion would only be refused.
        private synchronized void beat() {
            if (cancelled) {
                return;
            }
            try {
                if (!actions.heartbeat(event)) {
                    cancel();
                    running.remove(key(event), this);
                }
            } catch (RuntimeException e) {
                LOG.warn("Heartbeat for the lifecycle action of {} (message {}) failed, trying again in the next interval: {}",
                        event.getInstanceId(), event.getMessageId(), e.getMessage());
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (future != null) {
                future.cancel(false);
            }
        }
    }
}
