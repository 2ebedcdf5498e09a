package io.asger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import io.asger.event.AsgEvent;

/**
 * The test tasks in src/test/resources/test-routes call this: it records which task ran for which event, in what
 * order, and fails on request, so the tests can watch the real chain, retry and dead-letter routes at work.
 */
public class TaskRecorder {

    static final List<String> CALLS = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> FAILURES_LEFT = new ConcurrentHashMap<>();
    static final Map<String, Boolean> PERMANENT = new ConcurrentHashMap<>();

    static final List<String> HEADERS_SEEN = new CopyOnWriteArrayList<>();

    public static void reset() {
        HEADERS_SEEN.clear();
        CALLS.clear();
        FAILURES_LEFT.clear();
        PERMANENT.clear();
    }

    /** The next {@code times} calls of task/direction (e.g. "second-down") fail. */
    public static void failNext(String taskDirection, int times, boolean permanent) {
        FAILURES_LEFT.put(taskDirection, new AtomicInteger(times));
        PERMANENT.put(taskDirection, permanent);
    }

    public static List<String> calls() {
        return List.copyOf(CALLS);
    }

    public void run(String taskDirection, Object body) {
        if (!(body instanceof AsgEvent event)) {
            throw new IllegalStateException("task " + taskDirection + " was given " + body + ", not the event");
        }
        CALLS.add(taskDirection + ":" + event.getInstanceId());
    }

    public void sawHeaders(Map<String, Object> headers) {
        HEADERS_SEEN.addAll(headers.keySet());
    }

    public void block(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    public void maybeFail(String taskDirection, AsgEvent event) {
        AtomicInteger left = FAILURES_LEFT.get(taskDirection);
        if (left != null && left.getAndDecrement() > 0) {
            if (PERMANENT.getOrDefault(taskDirection, false)) {
                throw new PermanentFailure("test task " + taskDirection + " refuses " + event.getInstanceId());
            }
            throw new TransientFailure("test task " + taskDirection + " is down for " + event.getInstanceId());
        }
    }
}
