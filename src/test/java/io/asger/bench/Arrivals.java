package io.asger.bench;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each instance's last call of a task reached its stand-in (System.nanoTime), the first time only: a message
 * SQS delivers twice is counted once. {@link #count()} is the number of distinct instances seen.
 */
final class Arrivals {

    private final Map<String, Long> first = new ConcurrentHashMap<>();
    private final AtomicLong distinct = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    void arrived(String instanceId) {
        total.incrementAndGet();
        if (first.putIfAbsent(instanceId, System.nanoTime()) == null) {
            distinct.incrementAndGet();
        }
    }

    long count() {
        return distinct.get();
    }

    /** Every arrival, repeats included. */
    long total() {
        return total.get();
    }

    Long at(String instanceId) {
        return first.get(instanceId);
    }

    long countOf(Collection<String> instanceIds) {
        return instanceIds.stream().filter(first::containsKey).count();
    }
}
