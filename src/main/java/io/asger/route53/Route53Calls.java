package io.asger.route53;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.asger.errors.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Every Route 53 request asger makes goes through here. Route 53 allows 5 requests per second per account, so calls
 * are spaced (asger.route53.requests-per-second), and when Route 53 still answers Throttling,
 * PriorRequestNotComplete or another transient error ({@link Failures#isTransient}) the call is retried after a
 * jittered, growing delay.
 */
public final class Route53Calls {

    private static final Logger LOG = LoggerFactory.getLogger(Route53Calls.class);

    private final long intervalNanos;
    private final int maxAttempts;
    private final long baseDelayMs;
    private final long maxDelayMs;
    private long nextSlot = System.nanoTime();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();

    public Route53Calls(double requestsPerSecond, int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this.intervalNanos = requestsPerSecond > 0 ? (long) (TimeUnit.SECONDS.toNanos(1) / requestsPerSecond) : 0;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.baseDelayMs = Math.max(1, baseDelay.toMillis());
        this.maxDelayMs = Math.max(baseDelayMs, maxDelay.toMillis());
    }

    public <T> T call(String what, Supplier<T> request) {
        for (int attempt = 1; ; attempt++) {
            awaitSlot();
            requests.incrementAndGet();
            try {
                return request.get();
            } catch (AwsServiceException e) {
                if (!isRetryable(e) || attempt >= maxAttempts) {
                    throw e;
                }
                long delay = backoffMs(attempt);
                retried.incrementAndGet();
                LOG.debug("route53: {} answered {} (attempt {}/{}), retrying in {} ms", what, errorCode(e), attempt,
                        maxAttempts, delay);
                sleep(delay);
            }
        }
    }

    /** Requests sent, retries included. */
    public long requests() {
        return requests.get();
    }

    public long retried() {
        return retried.get();
    }

    /** Throttling and Route 53's other transient answers ({@link Failures#isTransient}). */
    static boolean isRetryable(AwsServiceException e) {
        return Failures.isTransient(e);
    }

    static String errorCode(AwsServiceException e) {
        return Failures.awsErrorCode(e);
    }

    /** Half the exponential delay, plus up to as much again at random ("equal jitter"). */
    long backoffMs(int attempt) {
        long exp = Math.min(maxDelayMs, baseDelayMs << Math.min(attempt - 1, 20));
        return exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
    }

    private void awaitSlot() {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to call Route 53", e);
        }
    }
}
