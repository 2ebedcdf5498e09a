package io.asger.config;

import java.util.List;
import java.util.Locale;

/**
 * How asger treats lifecycle actions (asger.lifecycle.*): whether it completes them, how often it heartbeats while
 * a chain runs, and the result it completes a dead-lettered launch or termination with. Read and checked at every
 * start-up: lifecycle actions are part of the core, not a task.
 *
 * @param heartbeatSeconds 0: half the hook's HeartbeatTimeout (read from Auto Scaling)
 */
public record LifecycleSettings(boolean complete, int heartbeatSeconds, String launchFailureResult,
        String terminateFailureResult) {

    public static final String COMPLETE = "asger.lifecycle.complete";
    public static final String HEARTBEAT_SECONDS = "asger.lifecycle.heartbeat-seconds";
    public static final String LAUNCH_FAILURE_RESULT = "asger.lifecycle.launch-failure-result";
    public static final String TERMINATE_FAILURE_RESULT = "asger.lifecycle.terminate-failure-result";

    /** The two results CompleteLifecycleAction accepts. */
    public static final List<String> RESULTS = List.of("CONTINUE", "ABANDON");

    /** Notes every bad lifecycle setting in {@code s}; see {@link AsgerSettings#read}. */
    public static LifecycleSettings read(Settings s) {
        boolean complete = s.bool(COMPLETE, true);
        // Auto Scaling's smallest HeartbeatTimeout is 30 s and its largest 7200 s: a beat every 1 to 3600 s.
        int heartbeatSeconds = s.integer(HEARTBEAT_SECONDS, 0, 1, 3600);
        return new LifecycleSettings(complete, heartbeatSeconds, result(s, LAUNCH_FAILURE_RESULT, "ABANDON"),
                result(s, TERMINATE_FAILURE_RESULT, "CONTINUE"));
    }

    private static String result(Settings s, String name, String fallback) {
        String v = s.text(name, fallback).toUpperCase(Locale.ROOT);
        if (!RESULTS.contains(v)) {
            s.problem(name, "must be CONTINUE or ABANDON, was '" + s.text(name, fallback) + "'");
            return fallback;
        }
        return v;
    }
}
